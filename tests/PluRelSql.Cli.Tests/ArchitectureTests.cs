using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PluRelSql.Cli.Tests;

/// <summary>The project graph docs/architecture.md draws, checked against the .csproj files: which project may reference
/// which, and which project alone brings in each heavy dependency. A new edge or package is a design decision — make it
/// here and in the doc together.</summary>
public sealed partial class ArchitectureTests
{
    /// <summary>Every src project and the src projects it may reference directly.</summary>
    private static readonly Dictionary<string, string[]> AllowedReferences = new()
    {
        ["PluRelSql.Core"] = ["PluRelSql.Schema"],
        ["PluRelSql.Schema"] = [],
        ["PluRelSql.Generation"] = ["PluRelSql.Core", "PluRelSql.Schema"],
        ["PluRelSql.Storage"] = ["PluRelSql.Core", "PluRelSql.Schema"],
        ["PluRelSql.LocalServer"] = ["PluRelSql.Storage"],
        ["PluRelSql.Tokenization"] = ["PluRelSql.Core", "PluRelSql.Schema", "PluRelSql.Storage"],
        ["PluRelSql.Training"] = ["PluRelSql.Tokenization"],
        ["PluRelSql.Analysis"] = [],
        ["PluRelSql.Workflows"] =
        [
            "PluRelSql.Core", "PluRelSql.Schema", "PluRelSql.Generation", "PluRelSql.Storage", "PluRelSql.LocalServer",
            "PluRelSql.Tokenization", "PluRelSql.Training", "PluRelSql.Analysis",
        ],
        ["PluRelSql.Cli"] =
        [
            "PluRelSql.Core", "PluRelSql.Schema", "PluRelSql.Generation", "PluRelSql.Storage", "PluRelSql.LocalServer",
            "PluRelSql.Tokenization", "PluRelSql.Training", "PluRelSql.Analysis", "PluRelSql.Workflows",
        ],
    };

    /// <summary>Each heavy package enters the src tree through exactly one project.</summary>
    private static readonly Dictionary<string, string> PackageHome = new()
    {
        ["Microsoft.SqlServer.TransactSql.ScriptDom"] = "PluRelSql.Schema",
        ["Npgsql"] = "PluRelSql.Storage",
        ["Microsoft.Data.SqlClient"] = "PluRelSql.Storage",
        ["Dapper"] = "PluRelSql.Storage",
        ["TorchSharp-cpu"] = "PluRelSql.Training",
        ["MathNet.Numerics"] = "PluRelSql.Analysis",
        ["Bogus"] = "PluRelSql.Generation",
        ["ScottPlot"] = "PluRelSql.Analysis",
        ["Microsoft.ML.FastTree"] = "PluRelSql.Analysis",
        ["System.CommandLine"] = "PluRelSql.Cli",
        ["Spectre.Console"] = "PluRelSql.Cli",
    };

    private static IEnumerable<(string Project, XDocument Xml)> SourceProjects() =>
        Directory.GetDirectories(Path.Combine(Repo.Root, "src"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
            .Where(File.Exists)
            .Select(p => (Path.GetFileNameWithoutExtension(p), XDocument.Load(p)));

    private static IEnumerable<string> Includes(XDocument xml, string item) =>
        xml.Descendants(item).Select(e => (string?)e.Attribute("Include")).OfType<string>();

    [Fact]
    public void Every_source_project_references_only_the_projects_the_design_allows()
    {
        var projects = SourceProjects().ToList();
        Assert.NotEmpty(projects);
        var wrong = new List<string>();
        foreach (var (project, xml) in projects)
        {
            if (!AllowedReferences.TryGetValue(project, out var allowed))
            {
                wrong.Add($"{project} is not in the design (add it to ArchitectureTests and docs/architecture.md)");
                continue;
            }
            foreach (var reference in Includes(xml, "ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Replace('\\', '/'))))
                if (!allowed.Contains(reference)) wrong.Add($"{project} -> {reference}");
        }
        Assert.True(wrong.Count == 0, "edges the design does not allow:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Each_heavy_package_enters_through_one_project()
    {
        var wrong = new List<string>();
        foreach (var (project, xml) in SourceProjects())
            foreach (var package in Includes(xml, "PackageReference"))
                if (PackageHome.TryGetValue(package, out var home) && home != project)
                    wrong.Add($"{package} is referenced by {project}; its home is {home}");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Every_source_project_has_its_own_test_project()
    {
        var missing = SourceProjects()
            .Select(p => p.Project)
            .Where(p => !File.Exists(Path.Combine(Repo.Root, "tests", p + ".Tests", p + ".Tests.csproj")))
            .ToList();
        Assert.True(missing.Count == 0, "no test project for: " + string.Join(", ", missing));
    }

    /// <summary>Library code never resumes on a captured context: each awaited task and <c>await foreach</c> says
    /// ConfigureAwait(false) before its statement ends (<c>await using</c> declarations aside: wrapping their resource
    /// would hide its type). The CLI, the top of the stack, may capture.</summary>
    [Fact]
    public void Library_code_awaits_with_ConfigureAwait_false()
    {
        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repo.Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Repo.Root, file);
            if (relative.StartsWith("src/PluRelSql.Cli/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal))
                continue;
            var text = LineComment().Replace(File.ReadAllText(file), "");
            foreach (Match await in Await().Matches(text))
            {
                var statement = text[await.Index..StatementEnd(text, await.Index)];
                if (!statement.Contains(".ConfigureAwait(false)", StringComparison.Ordinal))
                    missing.Add($"{relative}:{text[..await.Index].Count(c => c == '\n') + 1}");
            }
        }
        Assert.True(missing.Count == 0, "await without ConfigureAwait(false):\n" + string.Join("\n", missing));
    }

    /// <summary>Where the statement an await starts in ends: the first ';' or block '{' outside parentheses (so
    /// interpolation holes and lambda bodies inside the call do not end it).</summary>
    private static int StatementEnd(string text, int from)
    {
        var depth = 0;
        for (var i = from; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(' or '[': depth++; break;
                case ')' or ']': depth--; break;
                case ';' or '{' when depth <= 0: return i;
            }
        }
        return text.Length;
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\bawait (?!using\b)")]
    private static partial Regex Await();
}
