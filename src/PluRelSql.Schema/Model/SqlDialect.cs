namespace PluRelSql.Schema;

/// <summary>The SQL dialect a graph's expression texts (defaults, CHECKs, index statements, computed columns) are
/// written in. Types are dialect-neutral (<see cref="SqlType"/>); expressions are kept as the source wrote them.</summary>
public enum SqlDialect
{
    PostgreSql,
    TSql,
}
