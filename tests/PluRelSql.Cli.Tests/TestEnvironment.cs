using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>Paths of the checkout and of the shared corpus beside it (<see cref="SharedCorpus"/>).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Corpus(string relative) => SharedCorpus.Path(relative);

    public static string PlurelDll => Path.Combine(AppContext.BaseDirectory, "plurel.dll");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "PluRelSql.sln"))) return d.FullName;
        throw new InvalidOperationException("PluRelSql.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Runs the plurel CLI in a child process (its working directory is a scratch folder).</summary>
public static class Cli
{
    public static ProcessResult Plurel(params string[] args) =>
        ClusterFixture.Run("dotnet", [Repo.PlurelDll, .. args], TimeSpan.FromMinutes(5));
}
