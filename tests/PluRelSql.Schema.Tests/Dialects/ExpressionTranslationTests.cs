using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Tests.Dialects;

/// <summary>Defaults, CHECKs and indexes translated between the dialects, through whole scripts (read → convert → write).</summary>
public sealed class ExpressionTranslationTests
{
    private const string TSqlScript = """
        CREATE TABLE [dbo].[t] (
            [id] int IDENTITY(10, 5) NOT NULL,
            [created] datetime NOT NULL CONSTRAINT [DF_c] DEFAULT (getdate()),
            [guid] uniqueidentifier NULL DEFAULT (newid()),
            [active] bit NOT NULL DEFAULT ((1)),
            [name] nvarchar(40) NULL DEFAULT (N'it''s'),
            [code] char(5) NULL,
            [qty] int NULL DEFAULT ((0)),
            [total] AS ([qty] * 2),
            CONSTRAINT [PK_t] PRIMARY KEY ([id]),
            CONSTRAINT [CK_code] CHECK ([code] LIKE '[0-9][A-Z]%' ESCAPE '!'),
            CONSTRAINT [CK_len] CHECK (len([name]) > 2 AND isnull([qty], 0) >= 0),
            CONSTRAINT [CK_active] CHECK ([active] = 1 OR [qty] <> 0),
            CONSTRAINT [CK_pct] CHECK ([name] NOT LIKE '%[%]%'),
            CONSTRAINT [CK_var] CHECK (@@SPID > 0)
        )
        GO
        CREATE INDEX [ix_name] ON [dbo].[t] ([name] DESC) WHERE [qty] > 0
        GO
        """;

    private static DialectConversion ToPostgres() =>
        DialectConverter.Convert(TSqlDdlReader.Read(TSqlScript, "t.sql").Graph, SqlDialect.PostgreSql);

    [Fact]
    public void Tsql_defaults_become_postgres_expressions()
    {
        var t = ToPostgres().Graph.Table("public", "t");
        Assert.Equal("CURRENT_TIMESTAMP", t.Column("created").Default);
        Assert.Equal("gen_random_uuid()", t.Column("guid").Default);
        Assert.Equal("true", t.Column("active").Default);
        Assert.Equal("'it''s'", t.Column("name").Default);
        Assert.Equal("0", t.Column("qty").Default);
        Assert.Equal("\"qty\" * 2".Replace("\"", "", StringComparison.Ordinal), t.Column("total").GeneratedExpression);
        Assert.Equal(TypeKind.Integer, t.Column("total").Type.Kind);
        Assert.Equal(SqlDialect.PostgreSql, ToPostgres().Graph.Dialect);
    }

    [Fact]
    public void Tsql_checks_become_postgres_checks_the_postgres_reader_parses()
    {
        var conversion = ToPostgres();
        var checks = conversion.Graph.Table("public", "t").Checks.ToDictionary(c => c.Name!);
        Assert.Equal("code ~ '^[0-9][A-Z].*$'", checks["CK_code"].Expression);
        Assert.Equal("(length(name) > 2) AND (coalesce(qty, 0) >= 0)", checks["CK_len"].Expression);
        Assert.Equal("(active = true) OR (qty <> 0)", checks["CK_active"].Expression);
        Assert.Equal("name NOT LIKE '%\\%%'", checks["CK_pct"].Expression);
        Assert.IsType<LikePredicate>(checks["CK_code"].Predicate);
        Assert.Equal(new LikePredicate("name", LikePattern.FromTSql("%[%]%")!, true), checks["CK_pct"].Predicate);
        // @@SPID has no PostgreSQL counterpart: the CHECK is left out and the warning says it will not be enforced.
        Assert.False(checks.ContainsKey("CK_var"));
        var w = Assert.Single(conversion.Warnings, w => w.Subject.Contains("CK_var", StringComparison.Ordinal));
        Assert.Contains("will not enforce", w.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition("t.sql", 15, 5), w.Position);
    }

    [Fact]
    public void Tsql_indexes_are_rewritten_for_postgres()
    {
        var ix = Assert.Single(ToPostgres().Graph.Indexes);
        Assert.Equal("CREATE INDEX ix_name ON public.t (name DESC) WHERE qty > 0", ix.Sql);
    }

    private const string PgScript = """
        CREATE TYPE public.mood AS ENUM ('ok', 'sad');
        CREATE DOMAIN public.pos AS integer CHECK (VALUE > 0);
        CREATE SEQUENCE public.shared_seq;
        CREATE TABLE public.p (
            id serial PRIMARY KEY,
            n integer DEFAULT nextval('public.shared_seq'::regclass) NOT NULL,
            m integer DEFAULT nextval('public.shared_seq'::regclass),
            created timestamp with time zone DEFAULT now() NOT NULL,
            flag boolean DEFAULT false,
            label text DEFAULT 'x'::text,
            amount numeric(8,2) DEFAULT 0.5::numeric,
            how mood DEFAULT 'ok'::mood,
            size pos,
            tags text[],
            CONSTRAINT p_flag CHECK (flag OR amount::numeric > 1),
            CONSTRAINT p_re CHECK (label ~ '^a+$'),
            CONSTRAINT p_ilike CHECK (label ILIKE 'x%')
        );
        CREATE INDEX p_lower ON public.p (lower(label));
        CREATE UNIQUE INDEX p_label ON public.p (label);
        """;

    [Fact]
    public void Postgres_schema_becomes_tsql()
    {
        var conversion = DialectConverter.Convert(PgDdlReader.Read(PgScript, "p.sql").Graph, SqlDialect.TSql);
        var g = conversion.Graph;
        var t = g.Table("dbo", "p");
        Assert.Equal(IdentityKind.Always, t.Column("id").Identity); // serial → IDENTITY
        Assert.Equal("NEXT VALUE FOR [dbo].[shared_seq]", t.Column("n").Default); // a shared sequence stays one
        Assert.Single(g.Sequences);
        Assert.Equal("sysdatetimeoffset()", t.Column("created").Default);
        Assert.Equal("0", t.Column("flag").Default);
        Assert.Equal("N'x'", t.Column("label").Default);
        Assert.Equal("0.5", t.Column("amount").Default);
        Assert.Equal("N'ok'", t.Column("how").Default);
        Assert.Equal(new SqlType { Kind = TypeKind.Varchar, Length = 3 }, t.Column("how").Type);
        Assert.Equal(new SqlType { Kind = TypeKind.Varchar, Length = TSqlTypes.MaxKeyLength }, t.Column("label").Type); // indexed
        Assert.Equal(SqlType.Of(TypeKind.Text), t.Column("tags").Type);
        Assert.Empty(g.Enums);
        Assert.Empty(g.Domains);
        var checks = t.Checks.Select(c => c.Expression).ToList();
        Assert.Contains("[flag] = 1 OR CAST([amount] AS decimal(38,10)) > 1", checks);
        Assert.Contains("[how] IN (N'ok', N'sad')", checks);
        Assert.Contains("[size] > 0", checks);
        Assert.DoesNotContain(checks, c => c.Contains("~", StringComparison.Ordinal) || c.Contains("ILIKE", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(conversion.Warnings, w => w.Subject.EndsWith("p_re", StringComparison.Ordinal) && w.Position is { File: "p.sql" });
        Assert.Contains(conversion.Warnings, w => w.Subject.EndsWith("p_ilike", StringComparison.Ordinal));
        Assert.Contains(conversion.Warnings, w => w.Subject.Contains("p_lower", StringComparison.Ordinal));
        Assert.Equal(["p_label"], g.Indexes.Select(i => i.Name));

        // The written script reads back to the same graph.
        var back = TSqlDdlReader.Read(TSqlDdlWriter.Script(g), "back.sql").Graph;
        Assert.Empty(SchemaDiff.Compare(g, back));
    }

    /// <summary>A computed column that translates but is not immutable in PostgreSQL (CONVERT with a date style is
    /// to_char, STABLE; GETDATE() is volatile) is a plain column with the expression kept for the post-data UPDATE,
    /// which runs before the keys and CHECKs; an unmapped style is a plain cast; one that does not translate stays a
    /// plain column without one.</summary>
    [Fact]
    public void Non_immutable_computed_columns_are_filled_from_the_row_after_the_load()
    {
        const string script = """
            CREATE TABLE [dbo].[c] ([id] int NOT NULL, [d] datetime2(7) NOT NULL, [n] int NOT NULL,
              [s121] AS (CONVERT(nvarchar(23), [d], 121)), [s120] AS CONVERT(varchar(19), [d], 120),
              [s126] AS CONVERT(varchar(30), [d], 126), [s112] AS CONVERT(char(8), [d], 112), [s23] AS CONVERT(varchar(10), [d], 23),
              [s1] AS CONVERT(varchar(12), [n], 1), [at] AS (getdate()), [x] AS (@@SPID),
              CONSTRAINT [PK_c] PRIMARY KEY ([id]), CONSTRAINT [UQ_s] UNIQUE ([s121]))
            GO
            """;
        var conversion = DialectConverter.Convert(TSqlDdlReader.Read(script, "c.sql").Graph, SqlDialect.PostgreSql);
        var t = conversion.Graph.Table("public", "c");
        Assert.Equal("CAST(to_char(d, 'YYYY-MM-DD HH24:MI:SS.MS') AS character varying(23))", t.Column("s121").FillExpression);
        Assert.Equal("CAST(to_char(d, 'YYYY-MM-DD HH24:MI:SS') AS character varying(19))", t.Column("s120").FillExpression);
        Assert.Equal("CAST(to_char(d, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS') AS character varying(30))", t.Column("s126").FillExpression);
        Assert.Equal("CAST(to_char(d, 'YYYYMMDD') AS character(8))", t.Column("s112").FillExpression);
        Assert.Equal("CAST(to_char(d, 'YYYY-MM-DD') AS character varying(10))", t.Column("s23").FillExpression);
        Assert.Equal("CAST(CURRENT_TIMESTAMP AS text)", t.Column("at").FillExpression);
        foreach (var name in new[] { "s121", "s120", "s126", "s112", "s23", "at" })
        {
            Assert.Null(t.Column(name).GeneratedExpression);
            Assert.True(t.Column(name).IsLoaded);
        }
        Assert.Equal(new SqlType { Kind = TypeKind.Varchar, Length = 23 }, t.Column("s121").Type);
        // A style that is not a date style on a date: the plain cast, immutable, so a generated column.
        Assert.Null(t.Column("s1").FillExpression);
        Assert.Equal("STORED", t.Column("s1").GeneratedKind);
        Assert.Null(t.Column("x").FillExpression);
        Assert.Null(t.Column("x").GeneratedExpression);
        Assert.Contains(conversion.Warnings, w => w.ToString().Contains("computed from the row after the load", StringComparison.Ordinal));

        var post = PgDdlWriter.PostData(conversion.Graph);
        Assert.StartsWith("UPDATE public.c SET s121 = (CAST(to_char(d, 'YYYY-MM-DD HH24:MI:SS.MS') AS character varying(23))), s120 = (", post[0], StringComparison.Ordinal);
        Assert.Contains("PRIMARY KEY", post[1], StringComparison.Ordinal);
        Assert.True(post.ToList().FindIndex(s => s.Contains("UNIQUE (s121)", StringComparison.Ordinal)) > 0);
        // The DDL script says the same: the column is plain, the UPDATE comes before its keys.
        var ddl = PgDdlWriter.Script(conversion.Graph);
        Assert.Contains("s121 character varying(23),", ddl, StringComparison.Ordinal);
        Assert.DoesNotContain("to_char", ddl[..ddl.IndexOf("UPDATE", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Fact]
    public void The_converter_leaves_its_input_alone()
    {
        var source = PgDdlReader.Read(PgScript, "p.sql").Graph;
        var before = PgDdlWriter.Script(source);
        _ = DialectConverter.Convert(source, SqlDialect.TSql);
        Assert.Equal(before, PgDdlWriter.Script(source));
        Assert.Same(source, DialectConverter.Convert(source, SqlDialect.PostgreSql).Graph);
    }

    [Theory]
    [InlineData("[0-9][0-9]-%", "^[0-9][0-9]-.*$")]
    [InlineData("a_b", "^a.b$")]
    [InlineData("[^xy]z", "^[^xy]z$")]
    [InlineData("[[]x]", "^\\[x\\]$")]
    [InlineData("50[%]", "^50%$")]
    public void Like_patterns_map_to_anchored_regular_expressions_and_back(string tsql, string regex)
    {
        var pattern = LikePattern.FromTSql(tsql)!;
        Assert.Equal(regex, pattern.ToPgRegex());
        Assert.Equal(pattern, LikePattern.FromPgRegex(regex));
        Assert.Equal(pattern, LikePattern.FromTSql(pattern.ToTSqlLike()));
    }

    [Fact]
    public void Like_pattern_enumerates_exactly_its_matching_values()
    {
        var p = LikePattern.FromTSql("[A-C]-[0-9]%")!;
        Assert.Equal(30, p.Count());
        var values = Enumerable.Range(0, 30).Select(i => p.Value(i)).ToList();
        Assert.Equal(30, values.Distinct().Count());
        Assert.All(values, v => Assert.True(p.IsMatch(v), v));
        Assert.False(p.IsMatch("D-1"));
        Assert.False(p.IsMatch("a-1")); // case-sensitive: stricter than SQL Server's default collations
    }

    // ---- found by the fuzzer (FuzzTests): each ran the test process into a stack overflow -----------------------

    [Theory]
    [InlineData("- ", 100_000, "1")]
    [InlineData("NOT ", 100_000, "true")]
    [InlineData("", 0, "a > 0 AND a > 0")]
    public void Deep_postgres_expressions_convert_with_a_warning_not_a_stack_overflow(string prefix, int count, string tail)
    {
        var deep = string.Concat(Enumerable.Repeat(prefix, count)) + tail;
        if (count == 0) deep = string.Join(" AND ", Enumerable.Repeat("a > 0", 20_000)); // a chain: deep tree, no recursion to read it
        // DEFAULTs reach the converter as written; a CHECK this deep is already refused by the reader (below).
        var sql = prefix switch
        {
            "- " => $"CREATE TABLE t (a int DEFAULT {deep});",
            "NOT " => $"CREATE TABLE t (a boolean DEFAULT ({deep}));",
            _ => $"CREATE TABLE t (a int, CONSTRAINT c CHECK ({deep}));",
        };
        var g = PgDdlReader.Read(sql, "deep.sql").Graph;
        var c = TSql.TSqlDdlReaderTests.OnSmallStack(() => DialectConverter.Convert(g, SqlDialect.TSql));
        Assert.Contains(c.Warnings, w => w.Message.Contains("nested", StringComparison.Ordinal));
        _ = TSql.TSqlDdlReaderTests.OnSmallStack(() => TSqlDdlWriter.Script(c.Graph));
    }

    [Fact]
    public void A_check_nested_too_deep_is_a_positioned_read_error()
    {
        var deep = string.Concat(Enumerable.Repeat("NOT ", 100_000)) + "a > 0";
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.Read($"CREATE TABLE t (a int, CONSTRAINT c CHECK ({deep}));", "deep.sql"));
        Assert.StartsWith("deep.sql:1:", e.Message, StringComparison.Ordinal);
        Assert.Contains("nested", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_doubly_negated_number_is_not_written_as_a_comment()
    {
        var g = PgDdlReader.Read("CREATE TABLE t (a int DEFAULT - -1, b int CHECK (b > - - -2));", "neg.sql").Graph;
        var t = DialectConverter.Convert(g, SqlDialect.TSql).Graph.Table("dbo", "t");
        Assert.Equal("1", t.Column("a").Default);
        Assert.Equal("[b] > -2", Assert.Single(t.Checks).Expression);
    }
}
