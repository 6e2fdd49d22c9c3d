using PluRelSql.Generation.Constraints;
using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

public class CheckAndPartitionTests
{
    /// <summary>Evaluates a predicate on a generated row with the production evaluator's rules, re-implemented
    /// independently here (SQL three-valued logic, CHECK passes on TRUE or NULL).</summary>
    internal static bool? Eval(CheckPredicate p, Func<string, object?> get)
    {
        IComparable? Val(CheckOperand o) => o switch
        {
            ColumnOperand c => Norm(get(c.Column)),
            LengthOperand l => get(l.Column) is string s ? (decimal)s.Length : null,
            ConstOperand { Value: NumberValue n } => n.Value,
            ConstOperand { Value: StringValue s } => s.Value,
            ConstOperand { Value: BoolValue b } => b.Value,
            _ => null,
        };
        static IComparable? Norm(object? v) => v switch
        {
            null => null,
            short or int or long or decimal or float or double => Convert.ToDecimal(v, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            IComparable c => c,
            _ => null,
        };
        bool? Cmp(IComparable? a, CompareOp op, IComparable? b)
        {
            if (a is null || b is null) return null;
            var c = a.CompareTo(b);
            return op switch
            {
                CompareOp.Eq => c == 0,
                CompareOp.Ne => c != 0,
                CompareOp.Lt => c < 0,
                CompareOp.Le => c <= 0,
                CompareOp.Gt => c > 0,
                _ => c >= 0,
            };
        }
        switch (p)
        {
            case ComparePredicate c: return Cmp(Val(c.Left), c.Op, Val(c.Right));
            case BetweenPredicate b:
            {
                var x = Val(b.Operand);
                var r = And([Cmp(x, CompareOp.Ge, Val(b.Low)), Cmp(x, CompareOp.Le, Val(b.High))]);
                return b.Negated ? !r : r;
            }
            case InPredicate i:
            {
                var x = Val(i.Operand);
                if (x is null) return null;
                var r = i.Values.Any(v => Cmp(x, CompareOp.Eq, Val(new ConstOperand(v))) == true);
                return i.Negated ? !r : r;
            }
            case IsNullPredicate n: return (get(n.Column) is null) != n.Negated;
            case AndPredicate a: return And(a.Terms.Select(t => Eval(t, get)));
            case OrPredicate o:
            {
                var vs = o.Terms.Select(t => Eval(t, get)).ToList();
                return vs.Any(v => v == true) ? true : vs.Any(v => v is null) ? null : false;
            }
            case NotPredicate n: return !Eval(n.Inner, get);
        }
        throw new NotSupportedException();
        static bool? And(IEnumerable<bool?> vs)
        {
            var l = vs.ToList();
            return l.Any(v => v == false) ? false : l.Any(v => v is null) ? null : true;
        }
    }

    private static void AssertChecksHold(IRowGenerator gen, TableDef t)
    {
        var rows = All(gen, t, 777);
        var n = rows.First().Value.Count;
        for (var i = 0; i < n; i++)
            foreach (var ck in t.Checks)
                Assert.True(Eval(ck.Predicate!, c => rows[c][i]) != false, $"row {i} violates {ck.Name}");
    }

    [Fact]
    public void Simple_bounds_sets_lengths_and_cross_column_checks_are_satisfied()
    {
        var t = Table("products",
                Col("id", TypeKind.Integer), Col("price", TypeKind.Numeric, precision: 8, scale: 2), Col("stock", TypeKind.Integer, nullable: false),
                Col("status", TypeKind.Text, nullable: false), Col("sku", TypeKind.Varchar, length: 40), Col("start_date", TypeKind.Date, nullable: false),
                Col("end_date", TypeKind.Date), Col("discount", TypeKind.Numeric, precision: 8, scale: 2), Col("rating", TypeKind.SmallInt),
                Col("weight", TypeKind.Double), Col("label", TypeKind.Text))
            .Pk("id")
            .Check("price_positive", Cmp("price", CompareOp.Gt, 0))
            .Check("stock_range", new BetweenPredicate(new ColumnOperand("stock"), new ConstOperand(new NumberValue(10)), new ConstOperand(new NumberValue(20)), false))
            .Check("status_in", new InPredicate(new ColumnOperand("status"), [new StringValue("new"), new StringValue("sold"), new StringValue("gone")], false))
            .Check("sku_len", new AndPredicate([
                new ComparePredicate(new LengthOperand("sku"), CompareOp.Ge, new ConstOperand(new NumberValue(6))),
                new ComparePredicate(new LengthOperand("sku"), CompareOp.Le, new ConstOperand(new NumberValue(8)))]))
            .Check("dates", Cmp("end_date", CompareOp.Gt, new ColumnOperand("start_date")))
            .Check("discount_le_price", Cmp("discount", CompareOp.Le, new ColumnOperand("price")))
            .Check("rating_not_3", new OrPredicate([Cmp("rating", CompareOp.Lt, 3), Cmp("rating", CompareOp.Gt, 3)]))
            .Check("weight_ne", new NotPredicate(Cmp("weight", CompareOp.Eq, 5)))
            .Check("label_not_empty", Cmp("label", CompareOp.Ne, ""))
            .Check("status_not_gone", Cmp("status", CompareOp.Ne, "gone"));
        var gen = Gen(Graph(t), 5000);
        AssertChecksHold(gen, t);
        var rows = All(gen, t);
        Assert.All(rows["stock"].Cast<int>(), s => Assert.InRange(s, 10, 20));
        Assert.Equal(["new", "sold"], rows["status"].Cast<string>().Distinct().Order());
        Assert.All(rows["sku"].OfType<string>(), s => Assert.InRange(s.Length, 6, 8));
        Assert.True(rows["end_date"].Count(v => v is not null) > 4000);
    }

    /// <summary>The deepest predicate the readers give (CheckForms keeps 200 levels; deeper stays text) is compiled
    /// and evaluated on a 1 MiB stack, less than any thread a generator runs on.</summary>
    [Fact]
    public void The_deepest_predicate_a_reader_gives_is_honoured_on_a_small_stack()
    {
        CheckPredicate p = Cmp("a", CompareOp.Gt, 0);
        for (int i = 0; i < 198; i++) p = new NotPredicate(p);
        var t = Table("t", Col("id", TypeKind.Integer), Col("a", TypeKind.Integer, nullable: false)).Pk("id").Check("deep", p);
        Dictionary<string, List<object?>>? rows = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { rows = All(Gen(Graph(t), 200), t); }
            catch (Exception e) { failure = e; }
        }, 1 << 20);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.All(rows!["a"], v => Assert.True((int)v! > 0)); // 198 NOTs: a > 0
    }

    [Fact]
    public void Checks_without_a_parsed_predicate_are_ignored_and_impossible_ones_are_reported_by_name()
    {
        var t = Table("t", Col("id", TypeKind.Integer), Col("a", TypeKind.Integer, nullable: false)).Pk("id");
        t = t with { Checks = [.. t.Checks, new CheckConstraint { Name = "regex", Expression = "a::text ~ '^1'" }] };
        Assert.Equal(10, All(Gen(Graph(t), 10), t)["a"].Count);

        var bad = Table("bad", Col("id", TypeKind.Integer), Col("a", TypeKind.Integer, nullable: false), Col("b", TypeKind.Text))
            .Pk("id").Check("never", new AndPredicate([Cmp("a", CompareOp.Ne, new ColumnOperand("a")), Cmp("a", CompareOp.Gt, 0)]));
        // Found while planning (the first rows are tried), before anything is loaded.
        var e = Assert.Throws<SchemaException>(() => Gen(Graph(bad), 10));
        Assert.Contains("public.bad", e.Message);
        Assert.Contains("never", e.Message);
        Assert.Contains("a", e.Message);

        var empty = Table("empty", Col("id", TypeKind.Integer), Col("a", TypeKind.Integer, nullable: false))
            .Pk("id").Check("c", new AndPredicate([Cmp("a", CompareOp.Gt, 10), Cmp("a", CompareOp.Lt, 5)]));
        var e2 = Assert.Throws<SchemaException>(() => Gen(Graph(empty), 10));
        Assert.Contains("public.empty.a", e2.Message);
    }

    [Fact]
    public void Domain_checks_and_not_null_domains_are_honoured()
    {
        var year = new DomainType { Name = N("year"), BaseType = SqlType.Of(TypeKind.Integer) };
        year = year with
        {
            Checks = [.. year.Checks, new CheckConstraint
        {
            Name = "year_check", Expression = "VALUE >= 1901 AND VALUE <= 2155",
            Predicate = new AndPredicate([Cmp("VALUE", CompareOp.Ge, 1901), Cmp("VALUE", CompareOp.Le, 2155)]),
        }]
        };
        var code = new DomainType { Name = N("code"), BaseType = new SqlType { Kind = TypeKind.Varchar, Length = 10 }, NotNull = true };
        var note = new DomainType { Name = N("note"), BaseType = SqlType.Of(TypeKind.Text), NotNull = true };
        code = code with { Checks = [.. code.Checks, new CheckConstraint { Name = "code_len", Expression = "length(VALUE) = 4", Predicate = new ComparePredicate(new LengthOperand("VALUE"), CompareOp.Eq, new ConstOperand(new NumberValue(4))) }] };
        var t = Table("film", Col("id", TypeKind.Integer), Col("release_year", TypeKind.Integer, domain: year.Name),
            Col("code", TypeKind.Varchar, length: 10, nullable: false, domain: code.Name), Col("note", TypeKind.Text, domain: note.Name))
            .Pk("id").Unique("code");
        var g = Graph(t);
        g = g with { Domains = [.. g.Domains, year, code, note] };
        var rows = All(Gen(g, 3000, nullRate: 0.5), t);
        Assert.DoesNotContain(null, rows["note"]);
        Assert.Contains(null, rows["release_year"]);
        Assert.All(rows["release_year"].OfType<int>(), y => Assert.InRange(y, 1901, 2155));
        Assert.All(rows["code"].Cast<string>(), c => Assert.Equal(4, c.Length));
        Assert.Equal(3000, rows["code"].Distinct().Count());
    }

    [Fact]
    public void Checks_between_foreign_keys_move_the_link_to_another_parent()
    {
        var user = Table("users", Col("id", TypeKind.Integer)).Pk("id");
        var msg = Table("message", Col("id", TypeKind.Integer), Col("sender_id", TypeKind.Integer, nullable: false),
                Col("receiver_id", TypeKind.Integer, nullable: false), Col("cc_id", TypeKind.Integer))
            .Pk("id").Fk("sender_id", "users").Fk("receiver_id", "users").Fk("cc_id", "users")
            .Check("not_self", Cmp("sender_id", CompareOp.Ne, new ColumnOperand("receiver_id")))
            .Check("cc_set", new IsNullPredicate("cc_id", true));
        var gen = Gen(Graph(user, msg), 3000, tableRows: new Dictionary<string, long> { ["users"] = 3 });
        AssertChecksHold(gen, msg);
        var rows = All(gen, msg);
        Assert.All(rows["cc_id"], v => Assert.InRange((int)v!, 1, 3));
        Assert.Equal(6, Tuples(rows, "sender_id", "receiver_id").Distinct().Count());
    }

    [Fact]
    public void Enum_checks_restrict_the_labels()
    {
        var st = new EnumType { Name = N("state"), Labels = ["draft", "live", "dead"] };
        var t = Table("post", Col("id", TypeKind.Integer), Col("state", TypeKind.Enum, nullable: false, userType: st.Name))
            .Pk("id").Check("not_dead", Cmp("state", CompareOp.Ne, "dead"));
        var g = Graph(t);
        g = g with { Enums = [.. g.Enums, st] };
        var rows = All(Gen(g, 500), t);
        Assert.Equal(["draft", "live"], rows["state"].Cast<string>().Distinct().Order());
    }

    [Fact]
    public void Evaluator_uses_three_valued_logic()
    {
        var t = Table("t", Col("a", TypeKind.Integer), Col("d", TypeKind.Date), Col("s", TypeKind.Text));
        var pos = new Dictionary<string, int> { ["a"] = 0, ["d"] = 1, ["s"] = 2 };
        var compiler = new CheckCompiler(c => pos.TryGetValue(c, out var p) ? p : -1, p => new ColumnCodec(t.Columns[p], null));
        byte Run(CheckPredicate p, params Scalar[] row) => compiler.Compile(p)!.Eval(row);
        var nul = Scalar.Null;
        Assert.Equal(CheckNode.Unknown, Run(Cmp("a", CompareOp.Gt, 1), nul, nul, nul));
        Assert.Equal(CheckNode.True, Run(new OrPredicate([Cmp("a", CompareOp.Gt, 1), Cmp("a", CompareOp.Gt, 1)]), Scalar.Number(2), nul, nul));
        Assert.Equal(CheckNode.False, Run(new AndPredicate([Cmp("a", CompareOp.Gt, 1), Cmp("a", CompareOp.Gt, 5)]), Scalar.Number(2), nul, nul));
        Assert.Equal(CheckNode.Unknown, Run(new NotPredicate(Cmp("a", CompareOp.Gt, 1)), nul, nul, nul));
        Assert.Equal(CheckNode.Unknown, Run(new InPredicate(new ColumnOperand("a"), [new NumberValue(1), new NullValue()], false), Scalar.Number(2), nul, nul));
        var dateSec = Scalar.Number(new DateTime(2020, 5, 1).Subtract(DateTime.UnixEpoch).TotalSeconds);
        Assert.Equal(CheckNode.True, Run(Cmp("d", CompareOp.Gt, "2020-01-01"), nul, dateSec, nul));
        Assert.Equal(CheckNode.False, Run(Cmp("d", CompareOp.Ge, "2021-01-01"), nul, dateSec, nul));
        Assert.Equal(CheckNode.True, Run(new ComparePredicate(new LengthOperand("s"), CompareOp.Eq, new ConstOperand(new NumberValue(3))), nul, nul, Scalar.String("abc")));
        Assert.Equal(CheckNode.True, Run(new IsNullPredicate("s", false), nul, nul, nul));
    }

    private static TableDef Payments(out SchemaGraph g, bool withDefault = false)
    {
        var payment = Table("payment", Col("payment_id", TypeKind.Integer), Col("amount", TypeKind.Numeric, precision: 5, scale: 2, nullable: false),
            Col("payment_date", TypeKind.TimestampTz, nullable: false)).Pk("payment_date", "payment_id");
        payment = payment with { Partitioning = new PartitionSpec { Strategy = "RANGE", Columns = ["payment_date"] } };
        g = Graph(payment);
        var months = new[] { "2022-01-01 00:00:00+00", "2022-02-01 00:00:00+00", "2022-03-01 00:00:00+00", "2022-04-01 01:00:00+01", "2022-05-01 01:00:00+01" };
        for (var i = 0; i < months.Length - 1; i++)
        {
            var name = N($"payment_p{i}");
            payment = payment with
            {
                Partitioning = payment.Partitioning! with
                {
                    Partitions = [.. payment.Partitioning!.Partitions, new PartitionBound
            {
                Table = name, Bound = "FOR VALUES FROM … TO …", From = [$"'{months[i]}'"], To = [$"'{months[i + 1]}'::timestamp with time zone"],
            }]
                }
            };
            var part = Table(name.Name, Col("payment_id", TypeKind.Integer), Col("amount", TypeKind.Numeric, precision: 5, scale: 2), Col("payment_date", TypeKind.TimestampTz));
            part = part with { PartitionOf = payment.Name };
            g = g with { Tables = [.. g.Tables, part] };
        }
        g = g with { Tables = [payment, .. g.Tables.Skip(1)] };
        return payment;
    }

    [Fact]
    public void Range_partition_keys_land_inside_a_partition_and_foreign_keys_into_one_partition_hit_it()
    {
        var payment = Payments(out var g);
        var refund = Table("refund", Col("id", TypeKind.Integer), Col("payment_id", TypeKind.Integer, nullable: false),
                Col("payment_date", TypeKind.TimestampTz, nullable: false))
            .Pk("id").Fk("payment_p1", ["payment_date", "payment_id"], ["payment_date", "payment_id"]);
        g = g with { Tables = [.. g.Tables, refund] };
        var gen = Gen(g, 4000, sizing: RowSizing.Uniform); // every table 4000 rows, as the counts below assume
        Assert.Throws<ArgumentException>(() => gen.Generate(g.Table("public", "payment_p0"), 0, 1));
        var rows = All(gen, payment);
        var lo = new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var hi = new DateTime(2022, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        var dates = rows["payment_date"].Cast<DateTime>().ToList();
        Assert.All(dates, d => Assert.True(d >= lo && d < hi, d.ToString("O")));
        Assert.Equal(4, dates.Select(d => d.Month).Distinct().Count());
        Assert.All(rows["amount"].Cast<decimal>(), a => Assert.True(a < 1000m && a > 0));
        Assert.Equal(4000, Tuples(rows, "payment_date", "payment_id").ToHashSet().Count);

        var keys = Tuples(rows, "payment_date", "payment_id").ToHashSet();
        var refunds = All(gen, refund);
        var feb = new DateTime(2022, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        var mar = new DateTime(2022, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.All(Tuples(refunds, "payment_date", "payment_id"), k => Assert.Contains(k, keys));
        Assert.All(refunds["payment_date"].Cast<DateTime>(), d => Assert.True(d >= feb && d < mar));
    }

    [Fact]
    public void A_key_that_is_also_the_range_partition_key_must_fit_the_partitions()
    {
        TableDef Events(bool withDefault)
        {
            var t = Table("events", Col("id", TypeKind.Integer), Col("kind", TypeKind.Text)).Pk("id");
            t = t with { Partitioning = new PartitionSpec { Strategy = "RANGE", Columns = ["id"] } };
            t = t with { Partitioning = t.Partitioning! with { Partitions = [.. t.Partitioning!.Partitions, new PartitionBound { Table = N("events_a"), Bound = "…", From = ["MINVALUE"], To = ["500"] }] } };
            t = t with { Partitioning = t.Partitioning! with { Partitions = [.. t.Partitioning!.Partitions, new PartitionBound { Table = N("events_b"), Bound = "…", From = ["500"], To = ["1000"] }] } };
            if (withDefault) t = t with { Partitioning = t.Partitioning! with { Partitions = [.. t.Partitioning!.Partitions, new PartitionBound { Table = N("events_rest"), Bound = "DEFAULT" }] } };
            return t;
        }
        var fits = Events(false);
        Assert.Equal(Enumerable.Range(1, 999), All(Gen(Graph(fits), 999), fits)["id"].Cast<int>());
        var e = Assert.Throws<SchemaException>(() => Gen(Graph(Events(false)), 1000));
        Assert.Contains("public.events.id", e.Message);
        var ok = Events(true);
        Assert.Equal(5000, All(Gen(Graph(ok), 5000), ok)["id"].Count);
    }

    [Fact]
    public void List_partition_keys_take_listed_values()
    {
        var t = Table("sales", Col("id", TypeKind.Integer), Col("region", TypeKind.Text, nullable: false), Col("tier", TypeKind.Integer)).Pk("id", "region");
        t = t with { Partitioning = new PartitionSpec { Strategy = "LIST", Columns = ["region"] } };
        t = t with { Partitioning = t.Partitioning! with { Partitions = [.. t.Partitioning!.Partitions, new PartitionBound { Table = N("sales_eu"), Bound = "IN", In = ["'de'", "'fr'"] }] } };
        t = t with { Partitioning = t.Partitioning! with { Partitions = [.. t.Partitioning!.Partitions, new PartitionBound { Table = N("sales_us"), Bound = "IN", In = ["'us'"] }] } };
        var rows = All(Gen(Graph(t), 900), t);
        Assert.Equal(["de", "fr", "us"], rows["region"].Cast<string>().Distinct().Order());
        Assert.Equal(900, rows["id"].Distinct().Count());
    }
}
