namespace PluRelSql.Schema.Tests.TSql;

/// <summary>Files of the shared corpus (<see cref="PluRelSql.TestSupport.SharedCorpus"/>; never copied into the repository).</summary>
internal static class TSqlCorpus
{
    public static string Path(params string[] parts) => PluRelSql.TestSupport.SharedCorpus.Path(parts);
}
