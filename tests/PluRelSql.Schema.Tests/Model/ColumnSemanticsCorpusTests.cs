using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;
using PluRelSql.TestSupport;
using Xunit.Abstractions;

namespace PluRelSql.Schema.Tests.Model;

/// <summary>The classifier over every schema of the shared corpus: no column throws, and the columns whose meaning is
/// plain from the real databases come out right. The histogram and the northwind/chinook classification are printed.</summary>
public sealed class ColumnSemanticsCorpusTests(ITestOutputHelper output)
{
    private static SchemaGraph Read(string path) =>
        Path.GetFileName(path).StartsWith("tsql", StringComparison.Ordinal) || Path.GetFileName(Path.GetDirectoryName(path)) == "tsql"
            ? TSqlDdlReader.ReadFiles([path], new Dictionary<string, string> { ["HangFireSchema"] = "HangFire" }).Graph
            : PgDdlReader.ReadFiles([path]).Graph;

    private static IEnumerable<string> Files()
    {
        foreach (var dir in new[] { "postgres", "tsql", "wild" })
            foreach (var f in Directory.GetFiles(SharedCorpus.Path(dir), "*.sql").Order(StringComparer.Ordinal))
                if (!f.EndsWith("mimic-iv-constraint.sql", StringComparison.Ordinal) && !f.EndsWith("mimic-iv-load.sql", StringComparison.Ordinal))
                    yield return f;
    }

    private static List<(string Column, ColumnMeaning Meaning)> ClassifyAll(SchemaGraph g) =>
        [.. g.Tables.SelectMany(t => t.Columns.Select(c => ($"{t.Name}.{c.Name}", ColumnSemantics.Classify(t, c, g))))];

    private static Dictionary<string, ColumnMeaning> Classify(SchemaGraph g) =>
        g.Tables.SelectMany(t => t.Columns.Select(c => (Key: $"{t.Name.Name}.{c.Name}", Meaning: ColumnSemantics.Classify(t, c, g))))
            .ToDictionary(x => x.Key, x => x.Meaning);

    [CorpusFact("postgres", "tsql", "wild")]
    public void Every_column_of_every_corpus_schema_is_classified()
    {
        var histogram = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var file in Files())
        {
            var g = Read(file);
            foreach (var (col, m) in ClassifyAll(g))
            {
                // SEM_DUMP=1 prints every column's meaning, to review the classifier over the whole corpus.
                if (Environment.GetEnvironmentVariable("SEM_DUMP") is not null) output.WriteLine($"ALL {Path.GetFileName(file)} {col} → {m.KindName} [{m.Evidence}]");
                Assert.False(string.IsNullOrWhiteSpace(m.Evidence));
                histogram[m.KindName] = histogram.GetValueOrDefault(m.KindName) + 1;
                total++;
            }
        }
        output.WriteLine($"{total} columns");
        foreach (var (kind, n) in histogram.OrderByDescending(x => x.Value)) output.WriteLine($"{kind,-16} {n}");
        Assert.True(total > 1000, $"only {total} columns read");
        // The classifier sees more than keys and free text: at least 40 kinds occur in real schemas.
        Assert.True(histogram.Count >= 40, $"only {histogram.Count} kinds: {string.Join(", ", histogram.Keys)}");
    }

    private void Print(Dictionary<string, ColumnMeaning> all)
    {
        foreach (var (col, m) in all.OrderBy(x => x.Key, StringComparer.Ordinal))
            output.WriteLine($"{col} → {m.KindName}{(m.Unit == DurationUnit.Unknown ? "" : $"({m.Unit})")}  [{m.Evidence}]");
    }

    [CorpusFact("postgres/northwind.sql")]
    public void Northwind_columns_mean_what_their_data_holds()
    {
        var all = Classify(Read(SharedCorpus.Path("postgres", "northwind.sql")));
        Print(all);
        Assert.Equal(SemanticKind.FullName, all["customers.contact_name"].Kind);
        Assert.Equal(SemanticKind.JobTitle, all["customers.contact_title"].Kind);
        Assert.Equal(SemanticKind.CompanyName, all["customers.company_name"].Kind);
        Assert.Equal(SemanticKind.Phone, all["customers.phone"].Kind);
        Assert.Equal(SemanticKind.Phone, all["customers.fax"].Kind);
        Assert.Equal(SemanticKind.PostalCode, all["customers.postal_code"].Kind);
        Assert.Equal(SemanticKind.StreetAddress, all["customers.address"].Kind);
        Assert.Equal(SemanticKind.City, all["customers.city"].Kind);
        Assert.Equal(SemanticKind.Region, all["customers.region"].Kind);
        Assert.Equal(SemanticKind.Country, all["customers.country"].Kind);
        Assert.Equal(SemanticKind.Price, all["products.unit_price"].Kind);
        Assert.Equal(SemanticKind.ProductName, all["products.product_name"].Kind);
        Assert.Equal(SemanticKind.Quantity, all["products.units_in_stock"].Kind);
        Assert.Equal(SemanticKind.Flag, all["products.discontinued"].Kind);
        Assert.Equal(SemanticKind.Fraction, all["order_details.discount"].Kind);
        Assert.Equal(SemanticKind.Quantity, all["order_details.quantity"].Kind);
        Assert.Equal(SemanticKind.GivenName, all["employees.first_name"].Kind);
        Assert.Equal(SemanticKind.FamilyName, all["employees.last_name"].Kind);
        Assert.Equal(SemanticKind.JobTitle, all["employees.title"].Kind);
        Assert.Equal(SemanticKind.NamePrefix, all["employees.title_of_courtesy"].Kind);
        Assert.Equal(SemanticKind.BirthDate, all["employees.birth_date"].Kind);
        Assert.Equal(SemanticKind.PhoneExtension, all["employees.extension"].Kind);
        Assert.Equal(SemanticKind.Price, all["orders.freight"].Kind);
        Assert.Equal(SemanticKind.Category, all["categories.category_name"].Kind);
    }

    [CorpusFact("postgres/chinook.sql")]
    public void Chinook_columns_mean_what_their_data_holds()
    {
        var all = Classify(Read(SharedCorpus.Path("postgres", "chinook.sql")));
        Print(all);
        ColumnMeaning M(string table, string column) =>
            all.Single(x => x.Key.Equals($"{table}.{column}", StringComparison.OrdinalIgnoreCase)).Value;
        var ms = M("track", "milliseconds");
        Assert.Equal((SemanticKind.Duration, DurationUnit.Milliseconds), (ms.Kind, ms.Unit));
        Assert.Equal(SemanticKind.ByteSize, M("track", "bytes").Kind);
        Assert.Equal(SemanticKind.Price, M("track", "unit_price").Kind);
        Assert.Equal(SemanticKind.Title, M("track", "name").Kind);
        Assert.Equal(SemanticKind.FullName, M("track", "composer").Kind);
        Assert.Equal(SemanticKind.JobTitle, M("employee", "title").Kind);
        Assert.Equal(SemanticKind.Title, M("album", "title").Kind);
        Assert.Equal(SemanticKind.Category, M("genre", "name").Kind);
        Assert.Equal(SemanticKind.Email, M("customer", "email").Kind);
        Assert.Equal(SemanticKind.CompanyName, M("customer", "company").Kind);
        Assert.Equal(SemanticKind.Region, M("customer", "state").Kind);
        Assert.Equal(SemanticKind.Price, M("invoice", "total").Kind);
        Assert.Equal(SemanticKind.StreetAddress, M("invoice", "billing_address").Kind);
        Assert.Equal(SemanticKind.PostalCode, M("invoice", "billing_postal_code").Kind);
    }
}
