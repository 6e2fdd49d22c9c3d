using CsCheck;
using PluRelSql.Schema.Postgres;
using PluRelSql.TestSupport;

namespace PluRelSql.Schema.Tests;

/// <summary>Damaged DDL never crashes the reader: it reads or it throws a SchemaException that points into the text.</summary>
public sealed class MutationPropertyTests
{
    private static readonly string[] Sources = LoadSources();

    /// <summary>Small texts keep 10,000 reads fast: pagila cut into five pieces at pg_dump's "-- Name:" headers
    /// (later pieces fail at the end on tables defined in earlier ones, which exercises resolution errors),
    /// TPC-H with its DB2 keys, and the head of chinook (DROP/CREATE DATABASE, \c, tables).</summary>
    private static string[] LoadSources()
    {
        var pagila = Corpus.Text(Corpus.Postgres("pagila-schema.sql"));
        var pieces = new List<string>();
        int start = 0;
        for (int k = 1; k <= 5; k++)
        {
            int end = k == 5 ? pagila.Length : pagila.IndexOf("--\n-- Name:", pagila.Length * k / 5, StringComparison.Ordinal);
            if (end < 0) end = pagila.Length;
            if (end > start) pieces.Add(pagila[start..end]);
            start = end;
        }
        var chinookHead = string.Join('\n', File.ReadLines(Corpus.Postgres("chinook.sql")).Take(200));
        return
        [
            .. pieces,
            Corpus.Text(Corpus.Generic("tpch-dss.ddl")) + "\n" + Corpus.Text(Corpus.Generic("tpch-dss.ri")),
            chinookHead,
        ];
    }

    [CorpusFact("postgres/pagila-schema.sql", "postgres/chinook.sql", "generic/tpch-dss.ddl", "generic/tpch-dss.ri")]
    public void Unmutated_sources_read_except_where_a_piece_needs_an_earlier_one()
    {
        PgDdlReader.Read(Sources[0], "m.sql");
        PgDdlReader.Read(Sources[^2], "m.sql");
        PgDdlReader.Read(Sources[^1], "m.sql");
        Assert.Equal(PagilaLength, Sources[..^2].Sum(s => s.Length));
    }

    private static readonly int PagilaLength = Corpus.Text(Corpus.Postgres("pagila-schema.sql")).Length;

    private static readonly string[] Fragments =
    [
        "(", ")", "'", "\"", "$$", "$a$", ";", "--", "/*", "*/", "E'\\", "::", ",", ".", "[", "]", "\\", "\\.\n",
        "CREATE TABLE ", "ALTER TABLE ", " REFERENCES ", " PRIMARY KEY ", "CHECK (", " int ", "NOT NULL", "\0", "\u0001",
        "\uFFFD", "\u00e9", "\n", "COPY t FROM stdin;\n", "PARTITION BY RANGE (", " FOR VALUES FROM (", "DEFAULT",
        "serial", "ARRAY[", "U&'", "e'", "$1", "CREATE TYPE x AS ENUM (", "CREATE DOMAIN d AS ", "BEGIN ATOMIC ",
    ];

    /// <summary>One mutation: delete, duplicate or swap a span, insert bytes or a token, or truncate.</summary>
    private static readonly Gen<(int Source, int Kind, int A, int B, int C, int Fragment, char Byte)> Mutation =
        Gen.Select(Gen.Int[0, Sources.Length - 1], Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Int[0, 200],
            Gen.Int[0, int.MaxValue], Gen.Int[0, Fragments.Length - 1], Gen.Char[(char)0, (char)0x7f]);

    internal static string Apply(string text, int kind, int a, int b, int c, int fragment, char ch)
    {
        int n = text.Length;
        int at = a % (n + 1);
        int len = Math.Min(b, n - at);
        switch (kind)
        {
            case 0: return text.Remove(at, len);
            case 1: return text.Insert(at, text.Substring(at, len));
            case 2:
            {
                int other = c % (n + 1);
                int len2 = Math.Min(len, n - other);
                if (other < at) (at, other) = (other, at);
                if (at + len2 > other) return text.Remove(at, len2);
                var s1 = text.Substring(at, len2);
                var s2 = text.Substring(other, len2);
                return text[..at] + s2 + text[(at + len2)..other] + s1 + text[(other + len2)..];
            }
            case 3: return text.Insert(at, Fragments[fragment]);
            case 4: return text.Insert(at, new string(ch, 1 + b % 3));
            default: return text[..at];
        }
    }

    [CorpusFact("postgres/pagila-schema.sql", "postgres/chinook.sql", "generic/tpch-dss.ddl", "generic/tpch-dss.ri")]
    public void Mutated_corpus_reads_or_fails_with_a_positioned_SchemaException()
    {
        Mutation.Sample(m =>
        {
            var text = Apply(Sources[m.Source], m.Kind, m.A, m.B, m.C, m.Fragment, m.Byte);
            AssertReadsOrFailsCleanly(text);
        }, iter: 10_000, threads: 2);
    }

    [CorpusFact("postgres/pagila-schema.sql", "postgres/chinook.sql", "generic/tpch-dss.ddl", "generic/tpch-dss.ri")]
    public void Several_mutations_at_once_still_fail_cleanly()
    {
        var gen = Gen.Select(Mutation.Array[2, 6], Gen.Int[0, Sources.Length - 1]);
        gen.Sample((ms, source) =>
        {
            var text = Sources[source];
            foreach (var m in ms) text = Apply(text, m.Kind, m.A, m.B, m.C, m.Fragment, m.Byte);
            AssertReadsOrFailsCleanly(text);
        }, iter: 1_000, threads: 2);
    }

    internal static void AssertReadsOrFailsCleanly(string text)
    {
        try
        {
            PgDdlReader.Read(text, "m.sql");
        }
        catch (SchemaException e)
        {
            var p = Assert.NotNull(e.Position);
            Assert.Equal("m.sql", p.File);
            var lines = text.Split('\n');
            Assert.InRange(p.Line, 1, lines.Length);
            Assert.InRange(p.Column, 1, lines[p.Line - 1].Length + 1);
        }
    }
}
