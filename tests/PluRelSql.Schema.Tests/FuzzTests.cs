using System.Diagnostics;
using System.Text;
using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;
using PluRelSql.TestSupport;
using Xunit.Abstractions;

namespace PluRelSql.Schema.Tests;

/// <summary>A long fuzz run: only when PLUREL_FUZZ holds the number of inputs (make fuzz).</summary>
public sealed class LongFuzzFactAttribute : FactAttribute
{
    public LongFuzzFactAttribute()
    {
        if (Fuzz.LongCount is null) Skip = "long fuzz run: set PLUREL_FUZZ=<inputs> (e.g. make fuzz)";
    }
}

/// <summary>Mutated DDL through both readers and the conversion to the other dialect (what populate and convert do
/// with every --schema file): each input ends in a graph or in a SchemaException that points into the text, in
/// bounded time and memory. A failure names the seed, the case, the source and the mutations, and leaves the input
/// under /tmp/plurel-fuzz/.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20_260_612;

    [Fact]
    public void Mutated_repository_schemas_read_or_fail_cleanly() =>
        Run(Fuzz.RepositorySources(), 3_000, Fuzz.Seed ?? DefaultSeed);

    [CorpusFact]
    public void Mutated_corpus_schemas_read_or_fail_cleanly() =>
        Run([.. Fuzz.RepositorySources(), .. Fuzz.CorpusSources()], 10_000, Fuzz.Seed ?? DefaultSeed + 1);

    [LongFuzzFact]
    public void Long_fuzz_run() =>
        Run([.. Fuzz.RepositorySources(), .. Fuzz.CorpusSources()], Fuzz.LongCount!.Value, Fuzz.Seed ?? Environment.TickCount);

    [Fact]
    public void A_case_is_a_pure_function_of_the_seed_and_its_index()
    {
        // FNV-1a known answers computed outside .NET, so they hold in every process (HashCode.Combine's did not).
        Assert.Equal(1863532830, Fuzz.CaseSeed(20_260_612, 0));
        Assert.Equal(-1086357457, Fuzz.CaseSeed(20_260_612, 1));
        Assert.Equal(-1882534626, Fuzz.CaseSeed(-5, 123_456));
        var sources = Fuzz.RepositorySources();
        for (int i = 0; i < 20; i++)
            Assert.Equal(Fuzz.Make(sources, DefaultSeed, i), Fuzz.Make(sources, DefaultSeed, i));
    }

    private void Run(IReadOnlyList<Fuzz.Source> sources, int count, int seed)
    {
        var sw = Stopwatch.StartNew();
        var run = Fuzz.Run(sources, count, seed);
        output.WriteLine($"fuzz: seed {seed}, {run.Cases} inputs from {sources.Count} sources in {sw.Elapsed.TotalSeconds:F1} s: " +
                         $"{run.Graphs} graphs ({run.Converted} converted), {run.Errors} positioned errors, slowest {run.SlowestMs} ms " +
                         $"(case {run.SlowestCase}), most allocated {run.MostAllocated / (1 << 20)} MiB");
        if (run.Failures.Count == 0) return;
        var text = new StringBuilder($"{run.Failures.Count} distinct failure sites (seed {seed}; rerun with PLUREL_FUZZ_SEED={seed}):\n");
        foreach (var f in run.Failures) text.Append(f).Append('\n');
        Assert.Fail(text.ToString());
    }
}

/// <summary>The mutator and the runner (deterministic from the seed: case i depends only on the seed and i).</summary>
internal static class Fuzz
{
    public sealed record Source(string Name, string Text, bool TSql);

    public sealed record Outcome(int Cases, int Graphs, int Converted, int Errors, long SlowestMs, int SlowestCase,
        long MostAllocated, IReadOnlyList<string> Failures);

    /// <summary>Per input: wall time (alone, the slowest inputs take a few hundred ms; a busy shared machine gets
    /// slack) and allocation.</summary>
    private const int MaxMillis = 5_000;
    private const long MaxAllocated = 1L << 30;
    private const int HangMillis = 20_000;

    /// <summary>The readers run on threads with a 1 MiB stack, less than the CLI's main thread (8 MiB) or a pool
    /// thread (1.5 MiB): deep nesting must end in a clear error, never a stack overflow, on any thread.</summary>
    private const int StackBytes = 1 << 20;

    public static readonly string CorpusRoot = FindCorpus();

    public static int? Seed => int.TryParse(Environment.GetEnvironmentVariable("PLUREL_FUZZ_SEED"), out var s) ? s : null;

    public static int? LongCount => int.TryParse(Environment.GetEnvironmentVariable("PLUREL_FUZZ"), out var n) && n > 0 ? n : null;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PluRelSql.sln"))) return dir.FullName;
        throw new InvalidOperationException("PluRelSql.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FindCorpus() => SharedCorpus.Root;

    /// <summary>schemas/*.sql, and each also as T-SQL (through the converter and writer), so both readers have inputs
    /// without the corpus.</summary>
    public static List<Source> RepositorySources()
    {
        var list = new List<Source>();
        foreach (var path in Directory.GetFiles(Path.Combine(RepoRoot(), "schemas"), "*.sql").Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(path);
            list.Add(new Source("schemas/" + Path.GetFileName(path), text, false));
            var graph = PgDdlReader.Read(text, path).Graph;
            list.Add(new Source("schemas/" + Path.GetFileName(path) + " as T-SQL", TSqlDdlWriter.Script(graph), true));
        }
        return list;
    }

    /// <summary>Every corpus .sql/.ddl/.ri file: T-SQL in tsql/ and wild/tsql-*, PostgreSQL elsewhere.</summary>
    public static List<Source> CorpusSources()
    {
        var list = new List<Source>();
        foreach (var path in Directory.GetFiles(CorpusRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetExtension(path) is not (".sql" or ".ddl" or ".ri")) continue;
            var rel = Path.GetRelativePath(CorpusRoot, path).Replace('\\', '/');
            var tsql = rel.StartsWith("tsql/", StringComparison.Ordinal) || rel.StartsWith("wild/tsql-", StringComparison.Ordinal);
            list.Add(new Source("corpus/" + rel, File.ReadAllText(path), tsql));
        }
        return list;
    }

    public static Outcome Run(IReadOnlyList<Source> sources, int count, int seed)
    {
        var failures = new Dictionary<string, string>();
        int graphs = 0, converted = 0, errors = 0, next = -1, slowestCase = -1;
        long slowest = 0, mostAllocated = 0;
        var current = new (int Case, long Started)[Math.Max(1, Math.Min(2, Environment.ProcessorCount))];
        var workers = new Thread[current.Length];
        for (int w = 0; w < workers.Length; w++)
        {
            int slot = w;
            current[slot] = (-1, 0);
            workers[w] = new Thread(() =>
            {
                while (true)
                {
                    int i = Interlocked.Increment(ref next);
                    if (i >= count) return;
                    var input = Make(sources, seed, i);
                    Volatile.Write(ref current[slot].Started, Stopwatch.GetTimestamp());
                    Volatile.Write(ref current[slot].Case, i);
                    long allocated = GC.GetAllocatedBytesForCurrentThread();
                    var sw = Stopwatch.StartNew();
                    var (result, site, detail) = Check(input);
                    sw.Stop();
                    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                    Volatile.Write(ref current[slot].Case, -1);
                    lock (failures)
                    {
                        if (result == Result.Graph) graphs++;
                        if (result == Result.Converted) { graphs++; converted++; }
                        if (result == Result.Error) errors++;
                        if (sw.ElapsedMilliseconds > slowest) (slowest, slowestCase) = (sw.ElapsedMilliseconds, i);
                        mostAllocated = Math.Max(mostAllocated, allocated);
                        if (site is null && sw.ElapsedMilliseconds > MaxMillis) (site, detail) = ("slow", $"took {sw.ElapsedMilliseconds} ms");
                        if (site is null && allocated > MaxAllocated) (site, detail) = ("memory", $"allocated {allocated >> 20} MiB");
                        if (site is not null && !failures.ContainsKey(site))
                            failures[site] = Describe(input, seed, i, detail!);
                    }
                }
            }, StackBytes)
            { IsBackground = true, Name = $"fuzz-{w}" };
            workers[w].Start();
        }
        // A runaway input would hang the test: the watchdog names it and leaves its thread behind.
        while (workers.Any(t => t.IsAlive))
        {
            foreach (var t in workers) t.Join(100);
            for (int w = 0; w < current.Length; w++)
            {
                int i = Volatile.Read(ref current[w].Case);
                if (i >= 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref current[w].Started)).TotalMilliseconds > HangMillis)
                {
                    lock (failures) failures["hang"] = Describe(Make(sources, seed, i), seed, i, $"still running after {HangMillis / 1000} s");
                    return new Outcome(Volatile.Read(ref next), graphs, converted, errors, slowest, slowestCase, mostAllocated, [.. failures.Values]);
                }
            }
        }
        return new Outcome(count, graphs, converted, errors, slowest, slowestCase, mostAllocated, [.. failures.Values]);
    }

    private enum Result { Graph, Converted, Error }

    public sealed record Input(Source From, string Text, bool TSql, string Mutations);

    private const string FileName = "fuzz.sql";

    /// <summary>Reads, converts to the other dialect and writes its DDL. A failure comes back as a site (exception type
    /// and the innermost frame in our code, so one bug counts once) and a detail line.</summary>
    private static (Result, string?, string?) Check(Input input)
    {
        SchemaGraph graph;
        try
        {
            graph = input.TSql ? TSqlDdlReader.Read(input.Text, FileName).Graph : PgDdlReader.Read(input.Text, FileName).Graph;
        }
        catch (SchemaException e)
        {
            var problem = PositionProblem(e, input.Text);
            return problem is null ? (Result.Error, null, null) : (Result.Error, $"unpositioned {Site(e)}", $"{problem}: {e.Message}");
        }
        catch (Exception e)
        {
            return (Result.Error, Site(e), e.ToString());
        }
        try
        {
            var target = graph.Dialect == SqlDialect.TSql ? SqlDialect.PostgreSql : SqlDialect.TSql;
            var converted = DialectConverter.Convert(graph, target).Graph;
            _ = target == SqlDialect.TSql ? TSqlDdlWriter.Script(converted) : PgDdlWriter.Script(converted);
            return (Result.Converted, null, null);
        }
        catch (SchemaException e) when (PositionProblem(e, input.Text) is null)
        {
            return (Result.Graph, null, null);
        }
        catch (Exception e)
        {
            return (Result.Graph, "convert: " + Site(e), e.ToString());
        }
    }

    /// <summary>Null when the error points at a line and column of the input.</summary>
    private static string? PositionProblem(SchemaException e, string text)
    {
        if (e.Position is not { } p) return "no position";
        if (p.File != FileName) return $"file '{p.File}'";
        var lines = text.Split('\n');
        if (p.Line < 1 || p.Line > lines.Length) return $"line {p.Line} of {lines.Length}";
        if (p.Column < 1 || p.Column > lines[p.Line - 1].Length + 1) return $"column {p.Column} of line {p.Line} (length {lines[p.Line - 1].Length})";
        return null;
    }

    private static string Site(Exception e)
    {
        var frame = new StackTrace(e, false).GetFrames()
            .FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("PluRelSql", StringComparison.Ordinal) == true);
        var m = frame?.GetMethod();
        return $"{e.GetType().Name} at {m?.DeclaringType?.FullName}.{m?.Name}";
    }

    private static string Describe(Input input, int seed, int i, string detail)
    {
        var dir = Path.Combine(Path.GetTempPath(), "plurel-fuzz");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"seed{seed}-case{i}{(input.TSql ? "-tsql" : "-pg")}.sql");
        File.WriteAllText(file, input.Text);
        var first = detail.Split('\n').Take(6);
        return $"- seed {seed} case {i}: {input.From.Name} read as {(input.TSql ? "T-SQL" : "PostgreSQL")}, mutations: {input.Mutations}\n" +
               $"  input: {file}\n  " + string.Join("\n  ", first);
    }

    // ---- the mutator ----------------------------------------------------------------------------------------------

    /// <summary>Case i of a run: a piece of one source (a window of whole lines when it is large), one to four
    /// mutations, and now and then the other dialect's reader.</summary>
    public static Input Make(IReadOnlyList<Source> sources, int seed, int i)
    {
        var rng = new Random(CaseSeed(seed, i));
        var src = sources[rng.Next(sources.Count)];
        var text = Window(src.Text, rng, out var window);
        var done = new List<string>();
        if (window is not null) done.Add(window);
        int n = rng.Next(10) < 7 ? 1 : rng.Next(2, 5);
        for (int k = 0; k < n; k++) text = Mutate(text, src, sources, rng, done);
        bool tsql = rng.Next(10) == 0 ? !src.TSql : src.TSql;
        return new Input(src, text, tsql, string.Join("; ", done));
    }

    /// <summary>The seed of case i: FNV-1a over the run seed and i. HashCode.Combine would differ in every process, so a
    /// failure printed with its seed would not come back on a rerun.</summary>
    public static int CaseSeed(int seed, int i)
    {
        uint h = 2166136261;
        foreach (var word in (ReadOnlySpan<int>)[seed, i])
            for (int b = 0; b < 32; b += 8)
                h = (h ^ (uint)((word >> b) & 0xff)) * 16777619;
        return (int)h;
    }

    private static string Window(string text, Random rng, out string? what)
    {
        what = null;
        if (text.Length <= 24_000 || rng.Next(40) == 0) return text;
        int len = rng.Next(4_000, 24_000);
        int start = text.LastIndexOf('\n', rng.Next(text.Length - len)) + 1;
        int end = text.IndexOf('\n', Math.Min(text.Length - 1, start + len));
        if (end < 0) end = text.Length;
        what = $"lines from offset {start} to {end}";
        return text[start..end];
    }

    private static string Mutate(string text, Source src, IReadOnlyList<Source> sources, Random rng, List<string> done)
    {
        int n = text.Length;
        int At() => rng.Next(n + 1);
        switch (rng.Next(14))
        {
            case 0:
            {
                int at = At();
                done.Add($"truncate at {at}");
                return text[..at];
            }
            case 1:
            {
                if (n == 0) goto case 6;
                var chars = text.ToCharArray();
                int flips = 1 + rng.Next(8);
                for (int k = 0; k < flips; k++)
                {
                    int at = rng.Next(n);
                    chars[at] = (char)(chars[at] ^ (1 << rng.Next(8)));
                }
                done.Add($"{flips} bit flips");
                return new string(chars);
            }
            case 2:
            case 3:
            {
                // Token deletion or duplication: one token or a run of them.
                var tokens = Tokens(text);
                if (tokens.Count == 0) goto case 6;
                int at = rng.Next(tokens.Count), run = Math.Min(1 + rng.Next(rng.Next(2) == 0 ? 3 : 40), tokens.Count - at);
                bool delete = rng.Next(2) == 0;
                done.Add($"{(delete ? "delete" : "duplicate")} tokens {at}..{at + run - 1} ('{Escape(string.Concat(tokens.Skip(at).Take(run)))}')");
                var piece = delete ? "" : string.Concat(tokens.Skip(at).Take(run)) + string.Concat(tokens.Skip(at).Take(run));
                return string.Concat(tokens.Take(at)) + piece + string.Concat(tokens.Skip(at + run));
            }
            case 4:
            {
                var other = sources[rng.Next(sources.Count)];
                var mine = Statements(text);
                var theirs = Statements(other.Text);
                int a = rng.Next(mine.Count + 1), b = rng.Next(theirs.Count + 1), len = rng.Next(1, 30);
                var spliced = string.Concat(mine.Take(a)) + string.Concat(theirs.Skip(b).Take(len)) + string.Concat(mine.Skip(a));
                done.Add($"splice {Math.Min(len, theirs.Count - b)} statements of {other.Name} from statement {b} at statement {a}");
                return spliced;
            }
            case 5:
            {
                var (deep, what) = Deep(rng);
                done.Add(what);
                int check = text.IndexOf("CHECK (", rng.Next(n + 1), StringComparison.OrdinalIgnoreCase);
                if (rng.Next(2) == 0 && check >= 0)
                    return text[..(check + 7)] + deep + " AND " + text[(check + 7)..];
                var table = $"fuzz_{rng.Next(1000)}";
                var stmt = rng.Next(3) switch
                {
                    0 => $"\nCREATE TABLE {table} (a int CHECK ({deep}));\n",
                    1 => $"\nCREATE TABLE {table} (a int DEFAULT {deep}, b text);\n",
                    _ => $"\nCREATE TABLE {table} (a int, b int GENERATED ALWAYS AS ({deep}) STORED);\n",
                };
                if (src.TSql) stmt = stmt.Replace("GENERATED ALWAYS AS", "AS", StringComparison.Ordinal).Replace(" STORED", " PERSISTED", StringComparison.Ordinal) + "GO\n";
                int at = LineStart(text, At());
                return text[..at] + stmt + text[at..];
            }
            case 6:
            {
                int count = 1 + rng.Next(6);
                var sb = new StringBuilder(text);
                for (int k = 0; k < count; k++) sb.Insert(rng.Next(sb.Length + 1), Odd[rng.Next(Odd.Length)]);
                done.Add($"{count} odd characters");
                return sb.ToString();
            }
            case 7:
            {
                var bom = rng.Next(4) switch { 0 => "\uFEFF", 1 => "\uFEFF\uFEFF", 2 => "\uFFFE", _ => "\u00EF\u00BB\u00BF" };
                int at = rng.Next(2) == 0 ? 0 : At();
                done.Add($"BOM {string.Concat(bom.Select(c => $"U+{(int)c:X4}"))} at {at}");
                return text.Insert(at, bom);
            }
            case 8:
            {
                var f = Fragments[rng.Next(Fragments.Length)];
                int at = At();
                done.Add($"insert '{Escape(f)}' at {at}");
                return text.Insert(at, f);
            }
            case 9:
            {
                int at = At(), len = Math.Min(rng.Next(1, 400), n - at);
                if (rng.Next(2) == 0) { done.Add($"delete {len} chars at {at}"); return text.Remove(at, len); }
                done.Add($"duplicate {len} chars at {at}");
                return text.Insert(at, text.Substring(at, len));
            }
            case 10:
            {
                // Swap two equal-length spans: moves a statement's pieces into another.
                int a = At(), b = At();
                if (a > b) (a, b) = (b, a);
                int len = Math.Min(rng.Next(1, 200), Math.Min(b - a, n - b));
                done.Add($"swap {len} chars at {a} and {b}");
                return text[..a] + text.Substring(b, len) + text[(a + len)..b] + text.Substring(a, len) + text[(b + len)..];
            }
            case 12:
            case 13:
            {
                // A number at the edge of a type, or a type in place of another, keeps the statement's syntax.
                var tokens = Tokens(text);
                var numbers = Enumerable.Range(0, tokens.Count).Where(k => char.IsDigit(tokens[k][0])).ToList();
                var types = Enumerable.Range(0, tokens.Count).Where(k => Types.Contains(tokens[k], StringComparer.OrdinalIgnoreCase)).ToList();
                bool number = rng.Next(2) == 0 ? numbers.Count > 0 : types.Count == 0;
                var pick = number ? numbers : types;
                if (pick.Count == 0) goto case 8;
                int at = pick[rng.Next(pick.Count)];
                var with = number ? Numbers[rng.Next(Numbers.Length)] : Types[rng.Next(Types.Length)];
                done.Add($"token {at} '{Escape(tokens[at])}' -> '{with}'");
                tokens[at] = with;
                return string.Concat(tokens);
            }
            default:
            {
                // A keyword of the wrong kind in place of a token.
                var tokens = Tokens(text);
                if (tokens.Count == 0) goto case 8;
                int at = rng.Next(tokens.Count);
                var word = Keywords[rng.Next(Keywords.Length)];
                done.Add($"token {at} '{Escape(tokens[at])}' -> '{word}'");
                tokens[at] = word;
                return string.Concat(tokens);
            }
        }
    }

    /// <summary>Deeply nested or very long constructs a parser might recurse on or copy quadratically.</summary>
    private static (string Text, string What) Deep(Random rng)
    {
        int depth = rng.Next(4) == 0 ? 10_000 : rng.Next(50, 3_000);
        switch (rng.Next(10))
        {
            case 0: return (new string('(', depth) + "a > 0" + new string(')', depth), $"{depth} parentheses");
            case 1: return (new string('(', depth) + "1" + new string(')', depth), $"{depth} parentheses around 1");
            case 2: return (string.Join(" AND ", Enumerable.Repeat("a > 0", depth)), $"{depth} ANDed comparisons");
            case 3: return (string.Join(" OR ", Enumerable.Repeat("a = 1", depth)), $"{depth} ORed comparisons");
            case 4: return (string.Concat(Enumerable.Repeat("NOT ", depth)) + "a > 0", $"{depth} NOTs");
            case 5: return (string.Concat(Enumerable.Repeat("- ", depth)) + "1", $"{depth} unary minuses");
            case 6: return (string.Join(" + ", Enumerable.Repeat("1", depth)), $"{depth} additions");
            case 7: return (string.Concat(Enumerable.Repeat("/* ", depth)) + string.Concat(Enumerable.Repeat(" */", depth)) + " a > 0", $"{depth} nested comments");
            case 8:
            {
                int len = rng.Next(2) == 0 ? 100_000 : rng.Next(64, 5_000);
                return ($"a > length('{new string('x', len)}')", $"a {len}-character string");
            }
            default:
            {
                int len = rng.Next(2) == 0 ? 100_000 : rng.Next(64, 5_000);
                return (new string('b', len) + " > 0", $"a {len}-character identifier");
            }
        }
    }

    private static readonly string[] Odd =
    [
        "\0", "\u0001", "\u0007", "\b", "\t", "\v", "\f", "\r", "\u001b", "\u007f", "\u0085", "\u00a0", "\u200b", "\u200e",
        "\u202e", "\u2028", "\u3000", "\uFEFF", "\uFFFD", "\uFFFF", "\uD800", "\uDFFF", "\uD83D\uDE00", "\u00e9", "\u0301",
        "\r\n", "\n\n\n",
    ];

    private static readonly string[] Fragments =
    [
        "(", ")", "'", "\"", "[", "]", "$$", "$a$", ";", "--", "/*", "*/", "E'\\", "N'", "::", ",", ".", "\\", "\\.\n",
        "\nGO\n", "\nGO 3\n", ":setvar x y\n", "$(x)", ":r other.sql\n", "\n\\c db\n", "COPY t FROM stdin;\n", "\"\"", "[]",
        "CREATE TABLE ", "ALTER TABLE ", " REFERENCES ", " PRIMARY KEY ", "CHECK (", " int ", "NOT NULL", " IDENTITY(1,1) ",
        "PARTITION BY RANGE (", " FOR VALUES FROM (", "DEFAULT ", "serial", "ARRAY[", "U&'", "e'", "$1", "CREATE TYPE x AS ENUM (",
        "CREATE DOMAIN d AS ", "BEGIN ATOMIC ", "CREATE INDEX i ON ", " USING gist (", " EXCLUDE USING gist (", " WITH (",
        " COLLATE ", " GENERATED ALWAYS AS (", " AS (", " PERSISTED", " CONSTRAINT c ", " FOREIGN KEY (", " ON DELETE CASCADE",
        "numeric(1000,2000)", "varchar(-1)", "char(0)", "decimal(38,39)", "nvarchar(max)", "99999999999999999999999999",
        "1e999", "-0", "0x", "''''", "N''", "CREATE SEQUENCE s START 9223372036854775807 INCREMENT 9223372036854775807;",
    ];

    private static readonly string[] Numbers =
    [
        "0", "00", "1", "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
        "99999999999999999999999999999999999999", "1" + new string('0', 400), "0.0000000000000000000000000001", "1e308", "1e309",
        "1e-400", "1.5", ".5", "5.", "0x7FFFFFFF", "0xFFFFFFFFFFFFFFFFFF", "1_000", "08", "1e", "12abc",
    ];

    private static readonly string[] Types =
    [
        "int", "integer", "smallint", "bigint", "tinyint", "bit", "boolean", "numeric", "decimal", "money", "real", "float",
        "text", "varchar", "nvarchar", "char", "nchar", "bytea", "varbinary", "date", "time", "timestamp", "timestamptz",
        "datetime", "datetime2", "datetimeoffset", "uuid", "uniqueidentifier", "json", "jsonb", "xml", "interval", "serial",
        "bigserial", "inet", "tsvector", "point", "geography", "hierarchyid", "sql_variant", "rowversion", "image", "citext",
    ];

    private static readonly string[] Keywords =
    [
        "CREATE", "TABLE", "ALTER", "ADD", "DROP", "CONSTRAINT", "PRIMARY", "KEY", "FOREIGN", "REFERENCES", "UNIQUE", "CHECK",
        "DEFAULT", "NULL", "NOT", "AND", "OR", "IN", "BETWEEN", "LIKE", "IS", "AS", "ON", "INDEX", "TYPE", "DOMAIN", "ENUM",
        "SEQUENCE", "OWNED", "BY", "PARTITION", "OF", "FOR", "VALUES", "FROM", "TO", "WITH", "GO", "EXEC", "BEGIN", "END",
        "CASE", "WHEN", "THEN", "ELSE", "CAST", "int", "text", "varchar", "numeric", "(", ")", ",", ";", "=", "<", ">", "::",
        "[", "]", "'", "\"", "1", "-1", "0.5", "'x'",
    ];

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s.Length > 40 ? s[..40] + "…" : s)
            sb.Append(c < ' ' || c is '\u007f' or >= '\ud800' and <= '\udfff' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }

    /// <summary>The text in tokens that concatenate back to it: runs of letters/digits/underscore, runs of
    /// whitespace, and single punctuation characters.</summary>
    private static List<string> Tokens(string text)
    {
        var list = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            char c = text[i];
            if (char.IsLetterOrDigit(c) || c == '_')
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
            else if (char.IsWhiteSpace(c))
                while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            else i++;
            list.Add(text[start..i]);
        }
        return list;
    }

    /// <summary>Statements as written, each with its terminator (';' or a GO line), so they concatenate back.</summary>
    private static List<string> Statements(string text)
    {
        var list = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            bool end = text[i] == ';' && (i + 1 == text.Length || text[i + 1] == '\n');
            if (!end && text[i] == '\n' && i + 3 < text.Length && text.AsSpan(i + 1, 2).Equals("GO", StringComparison.OrdinalIgnoreCase)
                && (i + 3 == text.Length || text[i + 3] is '\n' or '\r')) { i += 3; end = true; }
            if (!end) continue;
            list.Add(text[start..Math.Min(i + 1, text.Length)]);
            start = Math.Min(i + 1, text.Length);
        }
        if (start < text.Length) list.Add(text[start..]);
        return list;
    }

    private static int LineStart(string text, int at) => at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;
}
