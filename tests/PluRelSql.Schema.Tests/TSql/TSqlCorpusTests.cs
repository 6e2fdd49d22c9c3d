using System.Text.RegularExpressions;
using PluRelSql.Schema.TSql;
using PluRelSql.TestSupport;

namespace PluRelSql.Schema.Tests.TSql;

/// <summary>The real scripts in shared/corpus/tsql. Expected counts were taken from the files with grep (comments and
/// raiserror texts that mention the keywords left out):
/// chinook: 11 `^CREATE TABLE`, 11 `PRIMARY KEY` constraints, 11 `FOREIGN KEY` (ALTER TABLE … ADD CONSTRAINT), no UNIQUE/CHECK;
/// pubs: 11 tables, 9 `PRIMARY KEY`, 10 column-level `REFERENCES`, 6 `CHECK (`, no UNIQUE, 3 `sp_addtype`, 1 `IDENTITY`;
/// sakila: 16 tables, 16 `PRIMARY KEY`, 22 `FOREIGN KEY` (18 table constraints + 4 ALTER TABLE), 2 `CHECK(`, 2 `CREATE UNIQUE … INDEX`, 13 `IDENTITY`.</summary>
public sealed class TSqlCorpusTests
{
    // Each script is read once per test run: chinook alone is 600 kB of INSERTs.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<TSqlReadResult>> Cache = new();

    private static TSqlReadResult ReadCorpus(string file) =>
        Cache.GetOrAdd(file, f => new Lazy<TSqlReadResult>(() => TSqlDdlReader.ReadFiles([TSqlCorpus.Path("tsql", f)]))).Value;

    [CorpusTheory("tsql")]
    [InlineData("chinook.sql", 11, 11, 11, 0, 0)]
    [InlineData("pubs.sql", 11, 9, 10, 0, 6)]
    [InlineData("sakila-schema.sql", 16, 16, 22, 0, 2)]
    public void Corpus_script_reads_with_the_declared_constraint_counts(string file, int tables, int primaryKeys,
        int foreignKeys, int uniques, int checks)
    {
        var graph = ReadCorpus(file).Graph;
        Assert.Equal(tables, graph.Tables.Count);
        Assert.Equal(primaryKeys, graph.Tables.Count(t => t.PrimaryKey is not null));
        Assert.Equal(foreignKeys, graph.Tables.Sum(t => t.ForeignKeys.Count));
        Assert.Equal(uniques, graph.Tables.Sum(t => t.Uniques.Count));
        Assert.Equal(checks, graph.Tables.Sum(t => t.Checks.Count));
        // Every FK resolved to a real table and real columns, and the load order exists or names a NOT NULL cycle.
        foreach (var t in graph.Tables)
            foreach (var fk in t.ForeignKeys)
            {
                var target = graph.Table(fk.RefTable);
                Assert.Equal(fk.Columns.Count, fk.RefColumns.Count);
                Assert.All(fk.RefColumns, c => Assert.NotNull(target.FindColumn(c)));
                Assert.All(fk.Columns, c => Assert.NotNull(t.FindColumn(c)));
            }
        Assert.All(graph.Tables.Where(t => t.PrimaryKey is not null),
            t => Assert.All(t.PrimaryKey!.Columns, c => Assert.False(t.Column(c).Nullable)));
    }

    [CorpusFact("tsql/pubs.sql")]
    public void Pubs_alias_types_from_sp_addtype_become_not_null_domains()
    {
        var graph = ReadCorpus("pubs.sql").Graph;
        Assert.Equal(["id", "tid", "empid"], graph.Domains.Select(d => d.Name.Name));
        var id = graph.Domains[0];
        Assert.Equal(new QualifiedName("dbo", "id"), id.Name);
        Assert.Equal(TypeKind.Varchar, id.BaseType.Kind);
        Assert.Equal(11, id.BaseType.Length);
        Assert.True(id.NotNull);

        var auId = graph.Table("dbo", "titleauthor").Column("au_id");
        Assert.Equal(new QualifiedName("dbo", "id"), auId.Type.Domain);
        Assert.Equal(TypeKind.Varchar, auId.Type.Kind);
        Assert.False(auId.Nullable);

        var jobs = graph.Table("dbo", "jobs");
        Assert.Equal(IdentityKind.Always, jobs.Column("job_id").Identity);
        Assert.Equal(1, jobs.Column("job_id").IdentitySeed);
        Assert.Equal(new ComparePredicate(new ColumnOperand("min_lvl"), CompareOp.Ge, new ConstOperand(new NumberValue(10))),
            jobs.Checks[0].Predicate);
        // The trigger, view, procedures and inserts are skipped with one notice per kind.
        var skipped = ReadCorpus("pubs.sql").Notices.Where(n => n.Kind == TSqlNoticeKind.SkippedStatements).Select(n => n.Message).ToList();
        Assert.Contains(skipped, m => m.StartsWith("skipped 4 × CREATE PROCEDURE", StringComparison.Ordinal));
        Assert.Contains(skipped, m => m.StartsWith("skipped 1 × CREATE TRIGGER", StringComparison.Ordinal));
        Assert.Contains(skipped, m => m.StartsWith("skipped 255 × INSERT", StringComparison.Ordinal));
    }

    [CorpusFact("tsql/sakila-schema.sql")]
    public void Sakila_identity_columns_unique_indexes_and_late_foreign_keys()
    {
        var graph = ReadCorpus("sakila-schema.sql").Graph;
        Assert.Equal(13, graph.Tables.SelectMany(t => t.Columns).Count(c => c.Identity == IdentityKind.Always));
        Assert.Equal(2, graph.Indexes.Count(i => i.Unique));
        // ALTER TABLE … ADD CONSTRAINT at the end of the file, ON DELETE SET NULL ON UPDATE CASCADE.
        var fk = Assert.Single(graph.Table("dbo", "payment").ForeignKeys, k => k.Name == "fk_payment_rental");
        Assert.Equal(ReferentialAction.SetNull, fk.OnDelete);
        Assert.Equal(ReferentialAction.Cascade, fk.OnUpdate);
        Assert.Equal(366, fk.Position!.Value.Line);
        // DEFAULT (getdate()) FOR last_update, added by ALTER TABLE.
        Assert.Equal("getdate()", graph.Table("dbo", "actor").Column("last_update").Default);
    }

    /// <summary>Chinook ships for both servers: the T-SQL read must give the same tables and FK pairs as the PostgreSQL
    /// script declares. The PostgreSQL side is taken from its CREATE TABLE and ALTER TABLE … FOREIGN KEY lines with a
    /// regex (to be replaced by the PostgreSQL reader); names are compared case-insensitively and without underscores
    /// (the scripts spell them InvoiceLine / invoice_line).</summary>
    [CorpusFact("tsql/chinook.sql", "postgres/chinook.sql")]
    public void Chinook_tsql_and_postgres_have_the_same_tables_and_foreign_keys()
    {
        static string Norm(string s) => s.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        static string Pair(string table, IEnumerable<string> cols, string refTable, IEnumerable<string> refCols) =>
            $"{Norm(table)}({string.Join(",", cols.Select(Norm))})->{Norm(refTable)}({string.Join(",", refCols.Select(Norm))})";

        var graph = ReadCorpus("chinook.sql").Graph;
        var tsqlTables = graph.Tables.Select(t => Norm(t.Name.Name)).Order().ToList();
        var tsqlFks = graph.Tables.SelectMany(t => t.ForeignKeys.Select(fk => Pair(t.Name.Name, fk.Columns, fk.RefTable.Name, fk.RefColumns)))
            .Order().ToList();

        var pg = File.ReadAllText(TSqlCorpus.Path("postgres", "chinook.sql"));
        var pgTables = Regex.Matches(pg, @"^CREATE TABLE\s+(?:\w+\.)?""?(\w+)""?", RegexOptions.Multiline)
            .Select(m => Norm(m.Groups[1].Value)).Order().ToList();
        static IEnumerable<string> Cols(string list) => list.Split(',').Select(c => c.Trim().Trim('"'));
        var pgFks = Regex.Matches(pg,
                @"ALTER TABLE\s+(?:\w+\.)?""?(\w+)""?\s+ADD CONSTRAINT\s+\S+\s+FOREIGN KEY\s*\(([^)]*)\)\s*REFERENCES\s+(?:\w+\.)?""?(\w+)""?\s*\(([^)]*)\)",
                RegexOptions.IgnoreCase)
            .Select(m => Pair(m.Groups[1].Value, Cols(m.Groups[2].Value), m.Groups[3].Value, Cols(m.Groups[4].Value)))
            .Order().ToList();

        Assert.Equal(11, pgTables.Count);
        Assert.Equal(11, pgFks.Count);
        Assert.Equal(pgTables, tsqlTables);
        Assert.Equal(pgFks, tsqlFks);
    }
}
