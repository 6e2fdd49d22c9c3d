namespace PluRelSql.Schema.Tests.TSql;

/// <summary>Finds /work/shared/corpus next to the repository (never copied into it).</summary>
internal static class TSqlCorpus
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Path(params string[] parts) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine([RepoRoot, "..", "shared", "corpus", .. parts]));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PluRelSql.sln"))) return dir.FullName;
        throw new InvalidOperationException("PluRelSql.sln not found above " + AppContext.BaseDirectory);
    }
}
