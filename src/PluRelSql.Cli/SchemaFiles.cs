using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using PluRelSql.Schema;
using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Cli;

/// <summary>Reads the <c>--schema</c> files into one graph and prints the reader's notices: one summary line of what
/// was skipped (functions, grants, data …) and one line per kind of thing read in part; <c>--verbose</c> lists each.
/// A <c>--schema</c> may be a directory (its *.sql files in name order) or a glob the shell did not expand.
/// T-SQL scripts (GO batch separators, [bracketed] names) go through the ScriptDom reader, everything else through the
/// PostgreSQL reader; all files of one call must be of one dialect.</summary>
public static partial class SchemaFiles
{
    /// <summary><c>--verbose</c>: every skipped statement and every note of the reader, each with file:line:col.</summary>
    public static Option<bool> VerboseOption() => new("--verbose")
    {
        Description = "List every statement the schema reader skipped (functions, grants, data …) with its file:line:col.",
    };

    /// <summary><c>--var NAME=VALUE</c>: a sqlcmd variable (<c>$(NAME)</c>, over the script's <c>:setvar</c>) or a
    /// template placeholder (SqlRender <c>@NAME</c>) of T-SQL scripts.</summary>
    public static Option<string[]> VarOption() => new("--var")
    {
        Description = "NAME=VALUE for a T-SQL script's sqlcmd variable $(NAME) (over its :setvar) or template placeholder @NAME (repeatable).",
    };

    /// <summary>The <c>--var</c> values by name (case-insensitive, as sqlcmd's); a malformed one is a usage error.</summary>
    public static IReadOnlyDictionary<string, string>? Variables(string[]? given)
    {
        if (given is null || given.Length == 0) return null;
        var vars = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var g in given)
        {
            var eq = g.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !VarName().IsMatch(g[..eq]))
                throw new UsageException($"--var {g}: expected NAME=VALUE, NAME being letters, digits, _ or - (not starting with a digit)");
            vars[g[..eq]] = g[(eq + 1)..];
        }
        return vars;
    }

    [GeneratedRegex(@"^[A-Za-z_][\w\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VarName();

    /// <summary>Reads the files and converts the graph to <paramref name="dialect"/> (expressions translated, see
    /// docs/type-mapping.md), printing one warning line per thing the conversion approximated or left out.</summary>
    public static SchemaGraph Read(IReadOnlyList<string> paths, TextWriter notices, SqlDialect dialect, bool verbose = false,
        IReadOnlyDictionary<string, string>? variables = null)
    {
        var graph = Read(paths, notices, verbose, variables);
        var conversion = DialectConverter.Convert(graph, dialect);
        foreach (var w in conversion.Warnings) notices.WriteLine($"warning: {w}");
        return conversion.Graph;
    }

    public static SchemaGraph Read(IReadOnlyList<string> arguments, TextWriter notices, bool verbose = false,
        IReadOnlyDictionary<string, string>? variables = null)
    {
        if (arguments.Count == 0) throw new UsageException("--schema FILE is required");
        var paths = Expand(arguments);
        // Before any byte is read (IsTSql reads too): a device, FIFO or oversized file is refused here.
        foreach (var p in paths)
        {
            SchemaSource.Check(p);
            if (!File.Exists(p)) throw new FileNotFoundException($"{p}: no such file");
        }
        var tsql = paths.Select(IsTSql).ToList();
        if (tsql.Distinct().Count() > 1)
            throw new UsageException("--schema files mix T-SQL and PostgreSQL: " +
                                     string.Join(", ", paths.Select((p, i) => $"{p} ({(tsql[i] ? "T-SQL" : "PostgreSQL")})")));
        if (tsql[0])
        {
            var t = TSqlDdlReader.ReadFiles(paths, variables);
            foreach (var group in t.Notices.GroupBy(n => n.Kind))
                notices.WriteLine($"note: {group.First()}{(group.Count() > 1 ? $" (and {group.Count() - 1} more)" : "")}");
            return t.Graph;
        }
        var result = PgDdlReader.ReadFiles(paths);
        if (result.Skipped.Count > 0)
            notices.WriteLine($"note: skipped {result.SkipSummary()} (they do not shape tables{(verbose ? "" : "; --verbose lists each")})");
        if (verbose)
        {
            foreach (var s in result.Skipped) notices.WriteLine($"note: {s.Position}: skipped {s.What}: {s.Text}");
            foreach (var n in result.Notes) notices.WriteLine($"note: {n.Position}: {n.Message}");
        }
        else
            foreach (var group in result.Notes.GroupBy(n => n.Kind))
            {
                var first = group.First();
                var more = group.Count() > 1 ? $" (and {group.Count() - 1} more)" : "";
                notices.WriteLine($"note: {first.Position}: {first.Message}{more}");
            }
        return result.Graph;
    }

    /// <summary>The files named by the <c>--schema</c> arguments, in order: a file as given, a directory as its *.sql
    /// files in name order, and a pattern with * ? or [...] (quoted, so the shell left it) as the files it matches in
    /// name order. A directory without *.sql files or a pattern matching nothing is an error.</summary>
    public static List<string> Expand(IReadOnlyList<string> arguments)
    {
        var files = new List<string>();
        foreach (var arg in arguments)
        {
            if (Directory.Exists(arg))
            {
                var inDir = Directory.EnumerateFiles(arg, "*")
                    .Where(f => f.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).ToList();
                if (inDir.Count == 0) throw new UsageException($"--schema {arg}: the directory holds no *.sql files");
                files.AddRange(inDir);
            }
            else if (!File.Exists(arg) && arg.IndexOfAny(['*', '?', '[']) >= 0)
            {
                var matched = Glob(arg);
                if (matched.Count == 0) throw new UsageException($"--schema {arg}: no file matches the pattern");
                files.AddRange(matched);
            }
            else files.Add(arg);
        }
        return files;
    }

    /// <summary>Files matching a pattern whose path segments may hold * (any run of characters but /), ? and [...]
    /// (a character class, [!...] negated); sorted by path.</summary>
    private static List<string> Glob(string pattern)
    {
        var rooted = Path.IsPathRooted(pattern);
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { rooted ? "/" : "" };
        for (int i = 0; i < segments.Length; i++)
        {
            var seg = segments[i];
            var last = i == segments.Length - 1;
            var next = new List<string>();
            foreach (var dir in current)
            {
                var at = dir.Length == 0 ? "." : dir;
                if (seg.IndexOfAny(['*', '?', '[']) < 0)
                {
                    var p = Path.Combine(dir, seg);
                    if (last ? File.Exists(p) : Directory.Exists(p)) next.Add(p);
                    continue;
                }
                if (!Directory.Exists(at)) continue;
                var regex = new Regex(GlobRegex(seg), RegexOptions.CultureInvariant);
                var entries = last ? Directory.EnumerateFiles(at) : Directory.EnumerateDirectories(at);
                // Like the shell, * does not match a leading dot.
                next.AddRange(entries.Select(Path.GetFileName).OfType<string>()
                    .Where(n => regex.IsMatch(n) && (n[0] != '.' || seg[0] == '.'))
                    .Select(n => Path.Combine(dir, n)));
            }
            current = next;
        }
        return [.. current.Order(StringComparer.Ordinal)];
    }

    private static string GlobRegex(string segment)
    {
        var sb = new StringBuilder("^");
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            int close = c == '[' ? segment.IndexOf(']', i + 2) : -1;
            if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else if (close > 0)
            {
                var body = segment[(i + 1)..close];
                bool negate = body[0] is '!' or '^';
                if (negate) body = body[1..];
                sb.Append(negate ? "[^" : "[").Append(body.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                i = close;
            }
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.Append('$').ToString();
    }

    /// <summary>A script is T-SQL when a line holds only GO, names are bracketed like [dbo].[t], or tables are named
    /// through a SqlRender placeholder (<c>CREATE TABLE @schema.t</c>) — unless it is a
    /// psql script (a line starting with a backslash meta-command such as \pset or \connect, COPY … FROM stdin, or
    /// pg_dump's pg_catalog calls): T-SQL has none of these, and a psql script may well hold a [x].[y] in its data.</summary>
    internal static bool IsTSql(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[256 * 1024];
        var text = new string(buffer, 0, reader.ReadBlock(buffer, 0, buffer.Length));
        if (PsqlMarker().IsMatch(text)) return false;
        return GoLine().IsMatch(text) || BracketedName().IsMatch(text) || TemplateSchema().IsMatch(text);
    }

    /// <summary>OHDSI's SqlRender scripts for SQL Server (no GO, no brackets) name tables <c>@cdmDatabaseSchema.person</c>:
    /// PostgreSQL has no <c>@</c> there, T-SQL reads it as a template placeholder.</summary>
    [GeneratedRegex(@"\bCREATE\s+TABLE\s+@[A-Za-z_]\w*\s*\.", RegexOptions.IgnoreCase)]
    private static partial Regex TemplateSchema();

    [GeneratedRegex(@"^\s*GO\s*;?\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();

    [GeneratedRegex(@"\[\w+\]\s*\.\s*\[\w+\]")]
    private static partial Regex BracketedName();

    [GeneratedRegex(@"^[ \t]*\\(?:[a-zA-Z]+\b|\.$)|\bFROM\s+stdin\s*;|\bpg_catalog\.set_config\s*\(", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex PsqlMarker();
}
