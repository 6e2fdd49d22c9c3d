namespace PluRelSql.Schema.Tests;

/// <summary>Paths of the shared third-party schemas (never copied into the repository).</summary>
internal static class Corpus
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PluRelSql.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root (PluRelSql.sln) not found above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"));
    });

    public static string Path_(params string[] parts) => Path.Combine([Root.Value, .. parts]);

    public static string Postgres(string file) => Path_("postgres", file);

    public static string Generic(string file) => Path_("generic", file);

    public static string Text(string path) => File.ReadAllText(path);
}
