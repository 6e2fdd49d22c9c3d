using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

public enum TableRole { Entity, Activity }

public enum FeatureKind { Numeric, Categorical }

/// <summary>One feature column of a sampled table: numeric, or categorical with K classes.</summary>
public sealed record SampledFeature(string Name, FeatureKind Kind, int Categories);

/// <summary>One table of a sampled schema. <see cref="Parents"/> are schema node ids sorted ascending; FK j references Parents[j].</summary>
public sealed record SampledTable(
    int Id, string Name, TableRole Role, long Rows, IReadOnlyList<int> Parents, IReadOnlyList<SampledFeature> Features);

/// <summary>The database time window and the two cutoffs (docs/generator.md §2.4).</summary>
public sealed record TimeWindow(DateTime Start, DateTime End, DateTime ValidationCutoff, DateTime TestCutoff)
{
    /// <summary>docs/generator.md §2.4: two distinct day offsets in [0, days) of [bounds], sorted; cutoffs at floor(f·(D+1)) of the calendar.</summary>
    internal static TimeWindow Draw(ulong seed, SamplerConfig cfg)
    {
        var d = Draws.For(seed, Purpose.Window);
        var days = (int)(cfg.TimeEnd - cfg.TimeStart).TotalDays;
        int a, b;
        do { a = d.Below(days); b = d.Below(days); } while (a == b);
        if (a > b) (a, b) = (b, a);
        var span = b - a;
        var start = cfg.TimeStart.AddDays(a);
        return new TimeWindow(start, cfg.TimeStart.AddDays(b),
            start.AddDays(Math.Floor(cfg.ValidationSplit * (span + 1))),
            start.AddDays(Math.Floor(cfg.TestSplit * (span + 1))));
    }

    /// <summary>Row r of an n-row activity table: evenly spaced from Start (row 0) to End (row n−1), microsecond resolution.</summary>
    public DateTime At(long row, long n)
    {
        if (n <= 1) return Start;
        var spanMicros = (End - Start).Ticks / 10;
        var micros = (long)((Int128)row * spanMicros / (n - 1));
        return Start.AddTicks(micros * 10);
    }
}

/// <summary>Stage 1 output: the schema DAG with roles, row counts, feature columns and the time window.</summary>
public sealed class SampledSchema
{
    public required ulong Seed { get; init; }
    public required SchemaFamily Family { get; init; }
    public required Dag Graph { get; init; }
    public required IReadOnlyList<SampledTable> Tables { get; init; }
    public required TimeWindow Window { get; init; }
    public required SamplerConfig Config { get; init; }

    public const string SchemaName = "public";

    /// <summary>The SQL schema the tables go into (a corpus puts each sampled database in its own schema).</summary>
    public string Schema { get; set; } = SchemaName;

    public string PrimaryKeyName(SampledTable t) =>
        Config.KeyNaming == KeyNaming.Reference ? "row_idx" : t.Name + "_id";

    /// <summary>FK column j of table t (to <c>t.Parents[j]</c>).</summary>
    public string ForeignKeyName(SampledTable t, int j) =>
        Config.KeyNaming == KeyNaming.Reference ? $"foreign_row_{j}" : Tables[t.Parents[j]].Name + "_id";

    public const string TimeColumn = "date";

    public static string EnumName(SampledTable t, SampledFeature f) => $"{t.Name}_{f.Name}";

    /// <summary>The schema as an ordinary <see cref="SchemaGraph"/>: PK/FK bigint NOT NULL, numeric → double precision
    /// (nullable: it receives NaN-as-NULL), categorical → boolean NOT NULL or an enum NOT NULL, `date` → timestamp.
    /// Tables are listed in id order.</summary>
    public SchemaGraph ToSchemaGraph()
    {
        var enums = new List<EnumType>();
        var tables = new List<TableDef>();
        foreach (var t in Tables)
        {
            var pk = PrimaryKeyName(t);
            var columns = new List<ColumnDef> { new() { Name = pk, Type = SqlType.Of(TypeKind.BigInt), Nullable = false } };
            var foreignKeys = new List<ForeignKey>();
            for (var j = 0; j < t.Parents.Count; j++)
            {
                var parent = Tables[t.Parents[j]];
                var col = ForeignKeyName(t, j);
                columns.Add(new ColumnDef { Name = col, Type = SqlType.Of(TypeKind.BigInt), Nullable = false });
                foreignKeys.Add(new ForeignKey
                {
                    Name = $"{t.Name}_{col}_fkey",
                    Columns = [col],
                    RefTable = new QualifiedName(Schema, parent.Name),
                    RefColumns = [PrimaryKeyName(parent)],
                });
            }
            foreach (var f in t.Features)
            {
                SqlType type;
                if (f.Kind == FeatureKind.Numeric) type = SqlType.Of(TypeKind.Double);
                else if (Config.CategoricalOutput == CategoricalOutput.Boolean) type = SqlType.Of(TypeKind.Boolean);
                else
                {
                    var name = new QualifiedName(Schema, EnumName(t, f));
                    enums.Add(new EnumType { Name = name, Labels = Enumerable.Range(0, f.Categories).Select(k => $"c{k}").ToList() });
                    type = new SqlType { Kind = TypeKind.Enum, UserType = name };
                }
                columns.Add(new ColumnDef { Name = f.Name, Type = type, Nullable = f.Kind == FeatureKind.Numeric });
            }
            if (t.Role == TableRole.Activity)
                columns.Add(new ColumnDef { Name = TimeColumn, Type = SqlType.Of(TypeKind.Timestamp), Nullable = false });
            tables.Add(new TableDef
            {
                Name = new QualifiedName(Schema, t.Name),
                Columns = columns,
                PrimaryKey = new KeyConstraint { Name = t.Name + "_pkey", Columns = [pk] },
                ForeignKeys = foreignKeys,
            });
        }
        return new SchemaGraph { Tables = tables, Enums = enums };
    }
}

/// <summary>Stage 1 (docs/generator.md §2): samples a random relational schema from a seed.</summary>
public static class SchemaSampler
{
    public static SampledSchema Sample(ulong seed, SamplerConfig? cfg = null, GraphConfig? graph = null)
    {
        cfg ??= new SamplerConfig();
        graph ??= new GraphConfig();
        var d = Draws.For(seed, Purpose.Schema);
        var drawnTables = d.Int(cfg.Tables);
        var drawnFamily = d.Pick(cfg.Families);
        var n = cfg.ForceTables ?? drawnTables;
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(cfg), "a schema needs at least one table");
        var family = cfg.ForceFamily ?? drawnFamily;
        var dag = GraphFamilies.Schema(family, n, ref d, graph);

        var tables = new List<SampledTable>(n);
        for (var id = 0; id < n; id++)
        {
            // Per-table draws get their own stream so the table count never shifts another table's shape.
            var td = Draws.For(seed, Purpose.TableShape, (ulong)id);
            var role = dag.OutDegree(id) == 0 ? TableRole.Activity : TableRole.Entity;
            var rows = td.Int(role == TableRole.Activity ? cfg.ActivityRows : cfg.EntityRows);
            var c = td.PowerLaw(cfg.FeatureColumns);
            var features = new List<SampledFeature>(c);
            for (var j = 0; j < c; j++)
            {
                var categorical = td.Bernoulli(0.5);
                var k = td.Int(cfg.Categories);
                features.Add(new SampledFeature($"feature_{j}", categorical ? FeatureKind.Categorical : FeatureKind.Numeric,
                    categorical ? k : 0));
            }
            var parents = dag.Parents[id].OrderBy(p => p).ToList();
            tables.Add(new SampledTable(id, $"table_{id}", role, rows, parents, features));
        }
        return new SampledSchema
        {
            Seed = seed, Family = family, Graph = dag, Tables = tables, Window = TimeWindow.Draw(seed, cfg), Config = cfg,
        };
    }
}
