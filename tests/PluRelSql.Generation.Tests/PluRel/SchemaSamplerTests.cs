using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Tests.PluRel;

public sealed class SchemaSamplerTests
{
    private static IEnumerable<SampledSchema> Many(int count, SchemaFamily? family = null) =>
        Enumerable.Range(0, count).Select(s => SchemaSampler.Sample((ulong)s, new SamplerConfig { ForceFamily = family }));

    [Fact]
    public void Every_schema_is_a_weakly_connected_dag_with_fk_count_equal_to_in_degree()
    {
        foreach (var s in Many(300))
        {
            var n = s.Tables.Count;
            Assert.InRange(n, 3, 20);
            Assert.True(s.Graph.IsAcyclic, $"seed {s.Seed}: cycle");
            Assert.True(s.Graph.IsWeaklyConnected, $"seed {s.Seed}: disconnected");
            Assert.Equal(n, s.Graph.N);
            foreach (var t in s.Tables)
            {
                Assert.Equal(s.Graph.InDegree(t.Id), t.Parents.Count);
                Assert.Equal(t.Parents.Distinct().Count(), t.Parents.Count);
                Assert.DoesNotContain(t.Id, t.Parents);
                Assert.Equal(s.Graph.OutDegree(t.Id) == 0 ? TableRole.Activity : TableRole.Entity, t.Role);
                if (t.Role == TableRole.Entity) Assert.InRange(t.Rows, 500, 1000);
                else Assert.InRange(t.Rows, 2000, 5000);
                Assert.InRange(t.Features.Count, 3, 40);
                foreach (var f in t.Features)
                    if (f.Kind == FeatureKind.Categorical) Assert.InRange(f.Categories, 2, 10);
            }
        }
    }

    [Fact]
    public void Ba_schemas_have_one_table_without_fks_and_rrt_schemas_one_activity_table()
    {
        foreach (var s in Many(150, SchemaFamily.BarabasiAlbert))
        {
            Assert.Single(s.Tables, t => t.Parents.Count == 0);
            Assert.All(s.Tables, t => Assert.InRange(t.Parents.Count, 0, 2));
        }
        foreach (var s in Many(150, SchemaFamily.ReverseRandomTree))
        {
            Assert.Single(s.Tables, t => t.Role == TableRole.Activity);
            Assert.Equal(s.Tables.Count - 1, s.Graph.Edges.Count);
            // Non-root tables are referenced by exactly one table.
            Assert.All(s.Tables.Where(t => t.Role == TableRole.Entity), t => Assert.Equal(1, s.Graph.OutDegree(t.Id)));
        }
    }

    [Fact]
    public void Schema_mix_by_family_matches_the_reference()
    {
        double Share(SchemaFamily f) => Many(200, f).Average(s => s.Tables.Count(t => t.Role == TableRole.Activity) / (double)s.Tables.Count);
        Assert.InRange(Share(SchemaFamily.BarabasiAlbert), 0.40, 0.58);   // reference 0.49
        Assert.InRange(Share(SchemaFamily.WattsStrogatz), 0.08, 0.24);   // reference 0.15
        var ws = Many(200, SchemaFamily.WattsStrogatz).ToList();
        Assert.InRange(ws.Average(s => s.Tables.Count(t => t.Role == TableRole.Activity)), 1.0, 2.2); // reference 1.5
        Assert.All(ws, s => Assert.Contains(s.Tables, t => t.Role == TableRole.Activity));
    }

    [Fact]
    public void Column_counts_follow_one_over_k()
    {
        var counts = Many(400).SelectMany(s => s.Tables).Select(t => t.Features.Count).ToList();
        Assert.True(counts.Count > 3000);
        Assert.InRange(counts.Average(), 12.7, 14.7);                          // reference mean 13.7
        Assert.InRange(counts.Count(c => c == 3) / (double)counts.Count, 0.10, 0.14); // P(3) = 12 %
        Assert.InRange(counts.Count(c => c >= 20) / (double)counts.Count, 0.23, 0.29); // 26 %
        var categorical = counts.Count == 0 ? 0 : Many(100).SelectMany(s => s.Tables).SelectMany(t => t.Features)
            .Average(f => f.Kind == FeatureKind.Categorical ? 1.0 : 0.0);
        Assert.InRange(categorical, 0.45, 0.55);
    }

    [Fact]
    public void Family_and_table_count_can_be_forced()
    {
        foreach (var family in Enum.GetValues<SchemaFamily>())
            for (var n = 3; n <= 25; n += 11)
            {
                var s = SchemaSampler.Sample(7, new SamplerConfig { ForceFamily = family, ForceTables = n });
                Assert.Equal(family, s.Family);
                Assert.Equal(n, s.Tables.Count);
                Assert.True(s.Graph.IsAcyclic && s.Graph.IsWeaklyConnected);
            }
        Assert.Contains(Many(60), s => s.Family == SchemaFamily.BarabasiAlbert);
        Assert.Contains(Many(60), s => s.Family == SchemaFamily.WattsStrogatz);
        Assert.Contains(Many(60), s => s.Family == SchemaFamily.ReverseRandomTree);
    }

    [Fact]
    public void Sampling_is_deterministic_and_seed_dependent()
    {
        static string Describe(SampledSchema s) => string.Join(";", s.Tables.Select(t =>
            $"{t.Id}:{t.Role}:{t.Rows}:{string.Join(",", t.Parents)}:{string.Join(",", t.Features.Select(f => $"{f.Kind}{f.Categories}"))}"))
            + s.Window;
        Assert.Equal(Describe(SchemaSampler.Sample(42)), Describe(SchemaSampler.Sample(42)));
        Assert.NotEqual(Describe(SchemaSampler.Sample(42)), Describe(SchemaSampler.Sample(43)));
    }

    [Fact]
    public void Time_window_lies_in_bounds_with_cutoffs_at_80_and_90_percent()
    {
        foreach (var s in Many(200))
        {
            var w = s.Window;
            Assert.True(w.Start >= new DateTime(1990, 1, 1) && w.End < new DateTime(2025, 1, 1) && w.Start < w.End);
            var days = (w.End - w.Start).TotalDays + 1;
            Assert.Equal(Math.Floor(0.8 * days), (w.ValidationCutoff - w.Start).TotalDays);
            Assert.Equal(Math.Floor(0.9 * days), (w.TestCutoff - w.Start).TotalDays);
            Assert.Equal(w.Start, w.At(0, 3000));
            Assert.Equal(w.End, w.At(2999, 3000));
            Assert.True(w.At(1, 3000) > w.At(0, 3000));
        }
    }

    [Fact]
    public void Schema_graph_has_bigint_keys_typed_features_and_dates_only_on_activity_tables()
    {
        var s = SchemaSampler.Sample(5, new SamplerConfig { ForceFamily = SchemaFamily.BarabasiAlbert, ForceTables = 8 });
        var g = s.ToSchemaGraph();
        Assert.Equal(8, g.Tables.Count);
        var order = g.ComputeLoadOrder();
        Assert.Empty(order.DeferredForeignKeys);
        foreach (var t in s.Tables)
        {
            var def = g.Table("public", t.Name);
            Assert.Equal([t.Name + "_id"], def.PrimaryKey!.Columns);
            Assert.Equal(TypeKind.BigInt, def.Column(t.Name + "_id").Type.Kind);
            Assert.Equal(t.Parents.Count, def.ForeignKeys.Count);
            foreach (var fk in def.ForeignKeys)
            {
                Assert.False(def.Column(fk.Columns[0]).Nullable);
                Assert.Equal(TypeKind.BigInt, def.Column(fk.Columns[0]).Type.Kind);
            }
            foreach (var f in t.Features)
                Assert.Equal(f.Kind == FeatureKind.Numeric ? TypeKind.Double : TypeKind.Boolean, def.Column(f.Name).Type.Kind);
            Assert.Equal(t.Role == TableRole.Activity, def.FindColumn("date") is { Type.Kind: TypeKind.Timestamp });
        }
        var withEnums = SchemaSampler.Sample(5, new SamplerConfig
        {
            ForceFamily = SchemaFamily.BarabasiAlbert, ForceTables = 8,
            CategoricalOutput = CategoricalOutput.Enum, KeyNaming = KeyNaming.Reference,
        });
        var eg = withEnums.ToSchemaGraph();
        var cats = withEnums.Tables.SelectMany(t => t.Features.Where(f => f.Kind == FeatureKind.Categorical).Select(f => (t, f))).ToList();
        Assert.Equal(cats.Count, eg.Enums.Count);
        foreach (var (t, f) in cats)
            Assert.Equal(f.Categories, eg.FindEnum(new QualifiedName("public", SampledSchema.EnumName(t, f)))!.Labels.Count);
        Assert.All(eg.Tables, t => Assert.Equal("row_idx", t.PrimaryKey!.Columns[0]));
    }
}
