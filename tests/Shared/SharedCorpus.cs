namespace PluRelSql.TestSupport;

/// <summary>The shared third-party schemas, never copied into the repository: <c>../shared/corpus</c> beside the
/// checkout, or the folder named by <c>PLUREL_CORPUS</c>. Tests that read them use <see cref="CorpusFactAttribute"/>
/// or <see cref="CorpusTheoryAttribute"/> and are reported as skipped, with the reason, when the files are not there.</summary>
public static class SharedCorpus
{
    public const string Variable = "PLUREL_CORPUS";

    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.GetFullPath(System.IO.Path.Combine([Root, .. parts]));

    /// <summary>Why a test over <paramref name="relative"/> (files or folders under the corpus; the corpus itself when
    /// none) cannot run here, or null when it can.</summary>
    public static string? Missing(params string[] relative)
    {
        var paths = relative.Length == 0 ? [Root] : relative.Select(r => Path(r.Split('/'))).ToArray();
        var missing = paths.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p));
        return missing is null ? null
            : $"needs the shared corpus ({missing} is not here): it lives beside the checkout in shared/corpus, or set {Variable} to its folder";
    }

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set) return System.IO.Path.GetFullPath(set);
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "PluRelSql.sln")))
                return System.IO.Path.GetFullPath(System.IO.Path.Combine(d.FullName, "..", "shared", "corpus"));
        throw new InvalidOperationException("PluRelSql.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fact that reads the shared corpus: skipped with the reason when the named files (or the corpus) are absent.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute(params string[] relative) => Skip = SharedCorpus.Missing(relative);
}

/// <summary>A theory that reads the shared corpus: skipped with the reason when the named files (or the corpus) are absent.</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute(params string[] relative) => Skip = SharedCorpus.Missing(relative);
}
