using PluRelSql.Core;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Tests.PluRel;

public sealed class SampledSchemaPluRelGeneratorTests
{
    [Theory]
    [InlineData(CategoricalOutput.Boolean)]
    [InlineData(CategoricalOutput.Enum)]
    public void Batches_follow_the_row_batch_contract_for_every_column(CategoricalOutput output)
    {
        var schema = SchemaSampler.Sample(31, PluRelDatabaseTests.Small with { ForceTables = 4, CategoricalOutput = output });
        var gen = new SampledSchemaPluRelGenerator(schema);
        foreach (var t in gen.Plan.Order.Tables)
        {
            var n = gen.Plan.Rows(t);
            var batches = gen.Batches(t, 100).ToList();
            Assert.Equal(n, batches.Sum(b => (long)b.Count));
            foreach (var b in batches)
            {
                Assert.Equal(t.Columns.Count, b.Columns.Count);
                var pk = (ColumnVector<long>)b[t.PrimaryKey!.Columns[0]];
                for (var i = 0; i < b.Count; i++) Assert.Equal(b.FirstRow + i, pk.Values[i]);
                foreach (var fk in t.ForeignKeys)
                {
                    var v = (ColumnVector<long>)b[fk.Columns[0]];
                    Assert.Null(v.Nulls);
                    for (var i = 0; i < b.Count; i++)
                        Assert.Equal(gen.Database.ParentRow(t, fk, b.FirstRow + i), v.Values[i]);
                }
                foreach (var col in b.Columns)
                {
                    var expected = col.Column.Type.Kind switch
                    {
                        TypeKind.BigInt => typeof(long),
                        TypeKind.Double => typeof(double),
                        TypeKind.Boolean => typeof(bool),
                        TypeKind.Timestamp => typeof(DateTime),
                        TypeKind.Enum => typeof(string),
                        _ => null,
                    };
                    Assert.Equal(expected, col.ValueType);
                    if (!col.Column.Nullable) Assert.Null(col.Nulls);
                    if (col is ColumnVector<string> s)
                    {
                        var labels = gen.Plan.Graph.FindEnum(col.Column.Type.UserType!.Value)!.Labels;
                        Assert.All(s.Values, l => Assert.Contains(l, labels));
                    }
                    if (col is ColumnVector<double> d)
                        for (var i = 0; i < b.Count; i++) Assert.Equal(col.IsNull(i), double.IsNaN(d.Values[i]));
                }
            }
        }
    }
}

public sealed class NamingIndependenceTests
{
    [Fact]
    public void Key_naming_changes_names_but_not_values()
    {
        var a = PluRelDatabase.FromSampled(SchemaSampler.Sample(8, PluRelDatabaseTests.Small with { ForceTables = 4 }));
        var b = PluRelDatabase.FromSampled(SchemaSampler.Sample(8, PluRelDatabaseTests.Small with { ForceTables = 4, KeyNaming = KeyNaming.Reference }));
        foreach (var ta in a.Graph.Tables)
        {
            var tb = b.Graph.Table(ta.Name);
            var ca = a.ComputeChunk(ta, 0, (int)a.Rows(ta));
            var cb = b.ComputeChunk(tb, 0, (int)b.Rows(tb));
            Assert.Equal(ca.ForeignKeys.Select(f => f.ParentRows), cb.ForeignKeys.Select(f => f.ParentRows));
            for (var j = 0; j < ca.Columns.Count; j++)
            {
                Assert.Equal(ca.Columns[j].Doubles, cb.Columns[j].Doubles);
                Assert.Equal(ca.Columns[j].Codes, cb.Columns[j].Codes);
            }
        }
    }
}
