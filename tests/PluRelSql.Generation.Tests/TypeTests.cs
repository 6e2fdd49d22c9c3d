using System.Globalization;
using System.Net;
using System.Text.Json;
using PluRelSql.Core;
using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

public class TypeTests
{
    private static (TableDef Table, SchemaGraph Graph) EveryType()
    {
        var mood = new EnumType { Name = N("mood"), Labels = ["sad", "ok", "happy"] };
        var t = Table("every",
            Col("id", TypeKind.Integer),
            Col("s", TypeKind.SmallInt), Col("b", TypeKind.BigInt),
            Col("price", TypeKind.Numeric, precision: 10, scale: 2),
            Col("ratio", TypeKind.Numeric, precision: 3, scale: 2),
            Col("big", TypeKind.Numeric, precision: 5, scale: 0),
            Col("anynum", TypeKind.Numeric),
            Col("r", TypeKind.Real), Col("d", TypeKind.Double), Col("m", TypeKind.Money), Col("flag", TypeKind.Boolean),
            Col("body", TypeKind.Text), Col("name", TypeKind.Varchar, length: 5), Col("code", TypeKind.Char, length: 3),
            Col("email", TypeKind.Varchar, length: 255), Col("city", TypeKind.Text), Col("phone", TypeKind.Varchar, length: 20),
            Col("day", TypeKind.Date), Col("ts", TypeKind.Timestamp), Col("tstz", TypeKind.TimestampTz),
            Col("tm", TypeKind.Time), Col("tmtz", TypeKind.TimeTz), Col("iv", TypeKind.Interval),
            Col("u", TypeKind.Uuid), Col("raw", TypeKind.Bytea), Col("j", TypeKind.Json), Col("jb", TypeKind.Jsonb),
            Col("x", TypeKind.Xml), Col("ip", TypeKind.Inet), Col("net", TypeKind.Cidr), Col("mac", TypeKind.MacAddr),
            Col("bits", TypeKind.Bit, length: 8), Col("vbits", TypeKind.VarBit, length: 5), Col("doc", TypeKind.TsVector),
            Col("mood", TypeKind.Enum, userType: mood.Name),
            Col("tags", TypeKind.Text, arrayDims: 1), Col("nums", TypeKind.Integer, arrayDims: 1),
            Col("quantity", TypeKind.Integer), Col("moods", TypeKind.Enum, arrayDims: 1, userType: mood.Name),
            Col("codes", TypeKind.Varchar, length: 3, arrayDims: 1));
        t = t.Pk("id");
        var g = Graph(t);
        g = g with { Enums = [.. g.Enums, mood] };
        return (t, g);
    }

    [Fact]
    public void Every_type_yields_valid_values_in_the_contract_representation()
    {
        var (t, g) = EveryType();
        var gen = Gen(g, rows: 3000, nullRate: 0);
        var rows = All(gen, t);
        var batch = gen.Generate(t, 0, 10);
        Assert.Equal(t.Columns.Count, batch.Columns.Count);
        Assert.IsType<ColumnVector<short>>(batch["s"]);
        Assert.IsType<ColumnVector<decimal>>(batch["m"]);
        Assert.IsType<ColumnVector<float>>(batch["r"]);
        Assert.IsType<ColumnVector<TimeOnly>>(batch["tm"]);
        Assert.IsType<ColumnVector<DateTimeOffset>>(batch["tmtz"]);
        Assert.IsType<ColumnVector<TimeSpan>>(batch["iv"]);
        Assert.IsType<ColumnVector<string[]>>(batch["tags"]);
        Assert.IsType<ColumnVector<int[]>>(batch["nums"]);

        foreach (var (col, values) in rows)
            Assert.All(values, v => Assert.NotNull(v));

        Assert.All(rows["price"].Cast<decimal>(), v => { Assert.True(Math.Abs(v) < 100_000_000m); Assert.Equal(v, Math.Round(v, 2)); Assert.True(v > 0); });
        Assert.All(rows["ratio"].Cast<decimal>(), v => { Assert.True(Math.Abs(v) < 10m); Assert.Equal(v, Math.Round(v, 2)); });
        Assert.All(rows["big"].Cast<decimal>(), v => { Assert.True(Math.Abs(v) < 100_000m); Assert.Equal(v, Math.Round(v, 0)); });
        Assert.All(rows["m"].Cast<decimal>(), v => Assert.Equal(v, Math.Round(v, 2)));
        // Quantities are small and skewed (median about 6, a long tail), never below 1.
        Assert.All(rows["quantity"].Cast<int>(), v => Assert.InRange(v, 1, 100_000));
        Assert.InRange(rows["quantity"].Cast<int>().Order().ElementAt(rows["quantity"].Count / 2), 3, 12);
        Assert.All(rows["name"].Cast<string>(), v => Assert.InRange(v.Length, 0, 5));
        Assert.All(rows["code"].Cast<string>(), v => Assert.InRange(v.Length, 1, 3));
        Assert.All(rows["email"].Cast<string>(), v => Assert.Matches(@"^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+$", v));
        Assert.All(rows["phone"].Cast<string>(), v => Assert.True(v.Length <= 20));
        Assert.All(rows["city"].Cast<string>(), v => Assert.True(v.Length > 0 && char.IsUpper(v[0]), v));
        Assert.All(rows["moods"].Cast<string[]>(), v => Assert.All(v, m => Assert.Contains(m, new[] { "sad", "ok", "happy" })));
        Assert.All(rows["codes"].Cast<string[]>(), v => Assert.All(v, c => Assert.InRange(c.Length, 1, 3)));

        var lo = new DateTime(2015, 1, 1);
        var hi = new DateTime(2026, 1, 1);
        Assert.All(rows["day"].Cast<DateOnly>(), v => Assert.InRange(v.ToDateTime(TimeOnly.MinValue), lo, hi));
        Assert.All(rows["ts"].Cast<DateTime>(), v => { Assert.InRange(v, lo, hi); Assert.Equal(DateTimeKind.Unspecified, v.Kind); });
        Assert.All(rows["tstz"].Cast<DateTime>(), v => { Assert.InRange(v, lo, hi); Assert.Equal(DateTimeKind.Utc, v.Kind); });
        Assert.All(rows["iv"].Cast<TimeSpan>(), v => Assert.InRange(v, TimeSpan.Zero, TimeSpan.FromDays(31)));

        Assert.All(rows["u"].Cast<Guid>(), v => Assert.Equal(4, v.Version));
        Assert.Equal(3000, rows["u"].Distinct().Count());
        Assert.All(rows["raw"].Cast<byte[]>(), v => Assert.InRange(v.Length, 1, 64));
        foreach (var c in new[] { "j", "jb" })
            Assert.All(rows[c].Cast<string>(), v => { using var doc = JsonDocument.Parse(v); Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind); });
        Assert.All(rows["x"].Cast<string>(), v => Assert.Matches("^<v>[^<>]*</v>$", v));
        Assert.All(rows["ip"].Cast<string>(), v => Assert.True(IPAddress.TryParse(v, out _), v));
        Assert.All(rows["net"].Cast<string>(), v =>
        {
            var parts = v.Split('/');
            var prefix = int.Parse(parts[1], CultureInfo.InvariantCulture);
            var ip = IPAddress.Parse(parts[0]).GetAddressBytes();
            var bits = (uint)(ip[0] << 24 | ip[1] << 16 | ip[2] << 8 | ip[3]);
            Assert.Equal(0u, prefix == 32 ? 0u : bits & (uint.MaxValue >> prefix));
        });
        Assert.All(rows["mac"].Cast<string>(), v => Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", v));
        Assert.All(rows["bits"].Cast<string>(), v => Assert.Matches("^[01]{8}$", v));
        Assert.All(rows["vbits"].Cast<string>(), v => Assert.Matches("^[01]{1,5}$", v));
        Assert.All(rows["doc"].Cast<string>(), v => Assert.Matches("^'[a-z]+'( '[a-z]+')*$", v));
        Assert.All(rows["mood"].Cast<string>(), v => Assert.Contains(v, new[] { "sad", "ok", "happy" }));
        Assert.Equal(3, rows["mood"].Distinct().Count());
        Assert.All(rows["tags"].Cast<string[]>(), v => Assert.InRange(v.Length, 1, 3));
        Assert.All(rows["nums"].Cast<int[]>(), v => Assert.InRange(v.Length, 1, 3));
        Assert.True(rows["flag"].Cast<bool>().Count(b => b) is > 1200 and < 1800);
    }

    [Fact]
    public void Unknown_type_is_null_when_nullable_and_rejected_at_construction_when_not()
    {
        var ok = Table("geo", Col("id", TypeKind.Integer), Col("shape", TypeKind.Other, userType: N("seg"))).Pk("id");
        var rows = All(Gen(Graph(ok), 50), ok);
        Assert.All(rows["shape"], Assert.Null);

        var bad = Table("geo2", Col("id", TypeKind.Integer), Col("shape", TypeKind.Other, nullable: false, userType: N("seg"))).Pk("id");
        var e = Assert.Throws<NotSupportedException>(() => Gen(Graph(bad), 50));
        Assert.Contains("geo2.shape", e.Message);
        Assert.Contains("seg", e.Message);
    }

    [Fact]
    public void Generated_columns_are_left_out_and_identity_columns_count_from_their_sequence()
    {
        var t = Table("t", Col("id", TypeKind.BigInt), Col("n", TypeKind.Integer, nullable: false), Col("total", TypeKind.Integer)).Pk("id");
        t = t with
        {
            Columns =
            [
                .. t.Columns.Select(c => c.Name switch
                {
                    "total" => c with { GeneratedExpression = "n * 2" },
                    "n" => c with { Identity = IdentityKind.Sequence, Sequence = N("t_n_seq") },
                    _ => c,
                }),
            ],
        };
        var g = Graph(t);
        g = g with { Sequences = [.. g.Sequences, new SequenceDef { Name = N("t_n_seq"), Start = 100, Increment = 5 }] };
        var b = Gen(g, 20).Generate(t, 3, 4);
        Assert.Equal(["id", "n"], b.Columns.Select(c => c.Column.Name));
        Assert.Equal([4L, 5L, 6L, 7L], ((ColumnVector<long>)b["id"]).Values);
        Assert.Equal([115, 120, 125, 130], ((ColumnVector<int>)b["n"]).Values);
    }

    [Fact]
    public void Nullable_columns_get_nulls_at_about_the_null_rate_and_not_null_columns_none()
    {
        var t = Table("t", Col("id", TypeKind.Integer), Col("a", TypeKind.Text), Col("b", TypeKind.Integer), Col("c", TypeKind.Date, nullable: false)).Pk("id");
        var rows = All(Gen(Graph(t), 20000, nullRate: 0.2), t);
        foreach (var c in new[] { "a", "b" })
        {
            var rate = rows[c].Count(v => v is null) / 20000.0;
            Assert.InRange(rate, 0.17, 0.23);
        }
        Assert.DoesNotContain(null, rows["c"]);
        Assert.DoesNotContain(null, rows["id"]);
    }
}
