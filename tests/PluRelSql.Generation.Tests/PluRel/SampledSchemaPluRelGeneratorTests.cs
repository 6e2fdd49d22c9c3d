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

public sealed class ConstantColumnDropTests
{
    [Fact]
    public void Constant_boolean_columns_are_left_out_of_the_schema_and_the_rows_and_nothing_else_changes()
    {
        var droppedAny = 0;
        foreach (var seed in new ulong[] { 3, 5, 9 })
        {
            var schema = SchemaSampler.Sample(seed, PluRelDatabaseTests.Small with { ForceTables = 5 });
            var kept = new SampledSchemaPluRelGenerator(schema, dropConstantColumns: false);
            var gen = new SampledSchemaPluRelGenerator(schema);
            foreach (var t in gen.Plan.Graph.Tables)
            {
                var full = kept.Plan.Graph.Tables.Single(x => x.Name == t.Name);
                var constant = gen.Database.ConstantBooleanColumns(full).Select(c => c.Name).ToHashSet();
                droppedAny += constant.Count;
                Assert.Equal(full.Columns.Select(c => c.Name).Where(n => !constant.Contains(n)), t.Columns.Select(c => c.Name));
                var n = (int)gen.Plan.Rows(t);
                var a = gen.Generate(t, 0, n);
                var b = kept.Generate(full, 0, n);
                foreach (var col in a.Columns)
                {
                    var other = b[col.Column.Name];
                    for (var i = 0; i < n; i++) Assert.Equal(other.GetValue(i), col.GetValue(i));
                }
                // Every boolean left is non-constant; the dropped ones were constant in the full output.
                foreach (var col in b.Columns.OfType<ColumnVector<bool>>())
                    Assert.Equal(constant.Contains(col.Column.Name), col.Values.Distinct().Count() == 1);
                // Any row range gives the same bits as the whole table.
                var part = gen.Generate(t, n / 3, n / 3);
                foreach (var col in part.Columns)
                    for (var i = 0; i < part.Count; i++) Assert.Equal(a[col.Column.Name].GetValue(n / 3 + i), col.GetValue(i));
            }
        }
        Assert.True(droppedAny > 0, "no seed had a constant boolean column: the test checks nothing");
    }
}
