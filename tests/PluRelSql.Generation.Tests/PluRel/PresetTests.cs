using PluRelSql.Generation.PluRel;

namespace PluRelSql.Generation.Tests.PluRel;

public sealed class PresetTests
{
    [Fact]
    public void V1_preset_uses_temporal_sources_sum_aggregation_two_layer_mlps_and_type_aware_tables()
    {
        var schema = SchemaSampler.Sample(6, PluRelDatabaseTests.Small with { ForceTables = 5 });
        var db = PluRelDatabase.FromSampled(schema, PluRelConfig.V1);
        foreach (var t in db.Graph.Tables)
        {
            var m = db.Model(t)!;
            Assert.Equal(PropagationMode.TypeAware, m.Mode);
            Assert.NotEqual(ScmFamily.WattsStrogatz, m.Family);
            Assert.NotEqual(ScmFamily.RandomCauchy, m.Family);
            foreach (var n in m.Nodes)
            {
                if (n.IsSource)
                    Assert.True(n.Source is TemporalSource { Rho: 0 } || n.Source!.GetType().Name == "SoftmaxCategorical");
                else Assert.Equal(Aggregation.Sum, n.Aggregation);
                foreach (var e in n.Inputs) Assert.NotEqual(0, e.Weight);
            }
            Assert.All(m.Transforms, x => Assert.Equal(ColumnTransform.Identity, x));
            var c = db.ComputeChunk(t, 0, (int)db.Rows(t));
            Assert.Equal(c.Count, (int)db.Rows(t));
            Assert.All(c.Columns.Where(x => x.Kind == FeatureValueKind.Double), col =>
                Assert.All(col.Doubles!.Where(v => !double.IsNaN(v)), v => Assert.True(double.IsFinite(v))));
        }
    }

    [Fact]
    public void Main_preset_draws_every_scm_family_source_kind_and_mode()
    {
        var families = new HashSet<ScmFamily>();
        var modes = new HashSet<PropagationMode>();
        var sources = new HashSet<string>();
        for (ulong seed = 0; seed < 8; seed++)
        {
            var db = PluRelDatabase.FromSampled(SchemaSampler.Sample(seed, PluRelDatabaseTests.Small with { ForceTables = 5 }));
            foreach (var t in db.Graph.Tables)
            {
                var m = db.Model(t)!;
                families.Add(m.Family);
                modes.Add(m.Mode);
                foreach (var n in m.Nodes.Where(n => n.IsSource)) sources.Add(n.Source!.GetType().Name);
                // docs/generator.md §4.2: an SCM of V = C + ceil(C / q) + 3 nodes for C feature columns, q in [0.3, 0.9].
                var c = t.Columns.Count(col => col.Name.StartsWith("feature_", StringComparison.Ordinal));
                Assert.InRange(m.Graph.N, c + (int)Math.Ceiling(c / 0.9) + 3, c + (int)Math.Ceiling(c / 0.3) + 3);
                Assert.True(m.Graph.IsAcyclic && m.Graph.IsWeaklyConnected);
                Assert.Equal(c, m.ColumnNode.Distinct().Count());
            }
        }
        Assert.Equal(Enum.GetValues<ScmFamily>().ToHashSet(), families);
        Assert.Equal(2, modes.Count);
        Assert.Superset(new HashSet<string> { "TemporalSource", "IidSource", "MixedSource" }, sources);
    }
}
