using PluRelSql.TestSupport;
namespace PluRelSql.Cli.Tests;

/// <summary>Issue 14 at the front door: one summary line of skipped statements (--verbose lists each), psql scripts
/// are never taken for T-SQL, and --schema takes directories and globs.</summary>
public sealed class SchemaFilesCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plurel-schemafiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Dump = """
        SET statement_timeout = 0;
        SET client_encoding = 'UTF8';
        SELECT pg_catalog.set_config('search_path', '', false);
        CREATE PROCEDURAL LANGUAGE plpgsql;
        CREATE TABLE public.t (id int PRIMARY KEY, geom public.geometry(Point,4326));
        CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE FUNCTION public.g() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
        CREATE TRIGGER tr BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();
        GRANT SELECT ON public.t TO PUBLIC;
        GRANT ALL ON public.t TO postgres;
        COMMENT ON FUNCTION public.g() IS 'x';
        """;

    [Fact]
    public void Skipped_statements_are_one_summary_line_and_verbose_lists_each_with_its_position()
    {
        var file = Write("dump.sql", Dump);
        var run = Cli.Plurel("inspect", "--schema", file);
        Assert.True(run.ExitCode == 0, run.ToString());
        var notes = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = Assert.Single(notes, l => l.Contains("skipped", StringComparison.Ordinal));
        Assert.Equal("note: skipped 2 SETs, 1 set_config call, 1 language, 2 functions, 1 trigger, 2 grants, 1 comment " +
                     "(they do not shape tables; --verbose lists each)", summary);
        // The unknown type is a note of its own (read in part, not skipped).
        Assert.Contains(notes, l => l.Contains($"{file}:5:49: type public.geometry(Point,4326) is read as an extension type", StringComparison.Ordinal));

        var verbose = Cli.Plurel("inspect", "--schema", file, "--verbose");
        Assert.True(verbose.ExitCode == 0, verbose.ToString());
        Assert.Contains($"note: {file}:4:1: skipped language: CREATE PROCEDURAL LANGUAGE plpgsql", verbose.StdErr);
        Assert.Contains($"note: {file}:7:1: skipped function: CREATE FUNCTION public.g", verbose.StdErr);
        Assert.Contains($"note: {file}:10:1: skipped grant: GRANT ALL ON public.t", verbose.StdErr);
        Assert.Equal(11, verbose.StdErr.Split('\n').Count(l => l.Contains(": skipped ", StringComparison.Ordinal)));
        // --verbose is an option of populate and convert too.
        var convert = Cli.Plurel("convert", "--schema", file, "--to", "postgres", "--verbose");
        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Contains($"note: {file}:8:1: skipped trigger: CREATE TRIGGER tr BEFORE INSERT ON", convert.StdErr);
        var populate = Cli.Plurel("populate", "--help");
        Assert.Contains("--verbose", populate.StdOut);
    }

    [CorpusFact("tsql/pubs.sql")]
    public void A_psql_script_with_bracketed_names_in_its_data_is_read_as_postgresql()
    {
        // Bracketed [a].[b] and a GO line made this a T-SQL script before; its \pset and COPY say psql.
        var file = Write("script.sql", """
            \pset pager off
            \set ON_ERROR_STOP on
            CREATE TABLE note (id int PRIMARY KEY, body text);
            COPY note (id, body) FROM stdin;
            1	see [docs].[intro]
            2	GO
            \.
            """);
        var run = Cli.Plurel("inspect", "--schema", file);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("table public.note", run.StdOut);
        Assert.Contains("note: skipped 1 \\pset command, 1 COPY data block", run.StdErr);
        Assert.True(SchemaFiles.IsTSql(Repo.Corpus("tsql/pubs.sql")));
    }

    [Fact]
    public void A_directory_reads_its_sql_files_in_name_order_and_a_quoted_glob_is_expanded()
    {
        var dir = Path.Combine(_dir, "schema");
        Write("schema/10_tables.sql", "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int, a_id int);\n");
        Write("schema/20_keys.sql", "ALTER TABLE b ADD FOREIGN KEY (a_id) REFERENCES a;\n");
        Write("schema/README.md", "not sql");
        var run = Cli.Plurel("inspect", "--schema", dir);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 tables, 3 columns, 1 foreign keys", run.StdOut);

        run = Cli.Plurel("inspect", "--schema", Path.Combine(dir, "*.sql"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 tables, 3 columns, 1 foreign keys", run.StdOut);
        run = Cli.Plurel("inspect", "--schema", Path.Combine(_dir, "sch?ma", "[12]0_*.sql"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 foreign keys", run.StdOut);

        // Keys before tables: the order is the name order, so this fails at the ALTER.
        Write("rev/a_keys.sql", "ALTER TABLE b ADD FOREIGN KEY (a_id) REFERENCES a;\n");
        Write("rev/b_tables.sql", "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int, a_id int);\n");
        run = Cli.Plurel("inspect", "--schema", Path.Combine(_dir, "rev"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("a_keys.sql:1:13: ALTER TABLE on missing table public.b", run.StdErr);
    }

    [Fact]
    public void A_glob_matching_nothing_or_a_directory_without_sql_files_is_a_clear_error()
    {
        var run = Cli.Plurel("inspect", "--schema", Path.Combine(_dir, "*.sql"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--schema {Path.Combine(_dir, "*.sql")}: no file matches the pattern", run.StdErr);

        Write("empty/notes.txt", "x");
        run = Cli.Plurel("populate", "--db", "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2", "--schema", Path.Combine(_dir, "empty"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--schema {Path.Combine(_dir, "empty")}: the directory holds no *.sql files", run.StdErr);
    }

    [Fact]
    public void Expand_keeps_argument_order_and_sorts_within_each()
    {
        Write("d/b.sql", "");
        Write("d/a.SQL", "");
        Write("d/.hidden.sql", "");
        var single = Write("z.sql", "");
        var files = SchemaFiles.Expand([single, Path.Combine(_dir, "d")]);
        Assert.Equal([single, Path.Combine(_dir, "d", ".hidden.sql"), Path.Combine(_dir, "d", "a.SQL"), Path.Combine(_dir, "d", "b.sql")], files);
        // A glob's * skips dot files, as the shell does.
        Assert.Equal([Path.Combine(_dir, "d", "b.sql")], SchemaFiles.Expand([Path.Combine(_dir, "d", "*.sql")]));
    }
}
