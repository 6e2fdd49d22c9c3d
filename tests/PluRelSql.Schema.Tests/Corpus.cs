namespace PluRelSql.Schema.Tests;

/// <summary>Paths of the shared third-party schemas (never copied into the repository).</summary>
internal static class Corpus
{
    public static string Path_(params string[] parts) => PluRelSql.TestSupport.SharedCorpus.Path(parts);

    public static string Postgres(string file) => Path_("postgres", file);

    public static string Generic(string file) => Path_("generic", file);

    public static string Text(string path) => File.ReadAllText(path);
}
