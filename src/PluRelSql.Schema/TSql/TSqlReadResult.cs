namespace PluRelSql.Schema.TSql;

/// <summary>What reading T-SQL scripts produced: the schema, plus what was skipped or approximated on the way.</summary>
public sealed class TSqlReadResult
{
    public required SchemaGraph Graph { get; init; }
    public required IReadOnlyList<TSqlNotice> Notices { get; init; }
}

public enum TSqlNoticeKind
{
    /// <summary>Statements that do not shape the tables (procedures, views, data, USE, SET, GRANT…): one notice per statement kind.</summary>
    SkippedStatements,
    /// <summary>A constraint added WITH NOCHECK, or disabled / re-enabled by ALTER TABLE … [NO]CHECK CONSTRAINT; it is kept.</summary>
    NoCheckConstraint,
    /// <summary>A column whose value the server produces (rowversion/timestamp, temporal period columns): never loaded.</summary>
    ServerGeneratedColumn,
    /// <summary>A type name that is neither built in nor a known alias type: mapped to <see cref="TypeKind.Other"/>.</summary>
    UnknownType,
    /// <summary>An index the reader did not keep, or kept as T-SQL text.</summary>
    Index,
    /// <summary>A sqlcmd command that was not followed (<c>:r</c> includes) or a <c>$(Var)</c> that no <c>:setvar</c> defined.</summary>
    Sqlcmd,
    /// <summary>A table the reader leaves out (temporary tables, CREATE TABLE AS SELECT, graph tables…).</summary>
    SkippedTable,
    /// <summary>Storage choices that do not shape rows (filegroups, partition schemes, compression, SPARSE, FILESTREAM, ROWGUIDCOL, column sets): ignored.</summary>
    Storage,
    /// <summary>System-versioned temporal tables: the history table and the period CHECKs.</summary>
    Temporal,
}

/// <summary>Something a person should know about the read: a skipped statement kind, an approximation.</summary>
public sealed record TSqlNotice(TSqlNoticeKind Kind, string Message, SourcePosition? Position)
{
    public override string ToString() => Position is { } p ? $"{p}: {Message}" : Message;
}
