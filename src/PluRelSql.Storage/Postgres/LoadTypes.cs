using System.Text;
using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>How <see cref="PgLoader"/> loads.</summary>
public sealed record LoadOptions
{
    /// <summary>Statements that create the schema objects (types, tables without keys); non-empty means the load
    /// creates the tables: they run first, in the load's transaction.</summary>
    public IReadOnlyList<string> PreDataSql { get; init; } = [];

    /// <summary>Statements run after the data (primary keys, uniques, checks, foreign keys, indexes): the server
    /// validates every constraint as it is added.</summary>
    public IReadOnlyList<string> PostDataSql { get; init; } = [];

    /// <summary>Empty existing target tables first (TRUNCATE in the load's transaction) instead of refusing to load
    /// into non-empty tables.</summary>
    public bool Truncate { get; init; }

    /// <summary>Rows per generated batch.</summary>
    public int BatchSize { get; init; } = 8192;

    /// <summary>Batches generated at once on worker threads (they are pure functions of their row range, so the rows
    /// and their order never depend on this); 1 generates on one thread beside the COPY.</summary>
    public int GenerateThreads { get; init; } = 1;

    /// <summary>How messages name the target database (default: the connection's): a database built under a
    /// temporary name is named as the user asked for it.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Throws for settings no loader can run with.</summary>
    public void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), "BatchSize must be positive");
        if (GenerateThreads <= 0) throw new ArgumentOutOfRangeException(nameof(GenerateThreads), "GenerateThreads must be positive");
    }
}

/// <summary>Progress of one table: rows written so far out of the planned rows.</summary>
public sealed record TableProgress(QualifiedName Table, long RowsDone, long RowsTotal);

/// <summary>Rows loaded into one table and the seconds its COPY took.</summary>
public sealed record TableLoad(QualifiedName Table, long Rows, double Seconds);

/// <summary>What a committed load did.</summary>
public sealed record LoadReport
{
    public required IReadOnlyList<TableLoad> Tables { get; init; }
    public long TotalRows => Tables.Sum(t => t.Rows);
    /// <summary>Seconds for PreDataSql, checks of existing tables and TRUNCATE.</summary>
    public required double CreateSeconds { get; init; }
    /// <summary>Seconds spent generating and copying the rows (the two overlap).</summary>
    public required double CopySeconds { get; init; }
    /// <summary>The part of <see cref="CopySeconds"/> the COPY stream waited for the generator (generation-bound time).</summary>
    public double GenerateWaitSeconds { get; init; }
    /// <summary>Thread-seconds spent inside the generator, summed over its worker threads.</summary>
    public double GenerateThreadSeconds { get; init; }
    /// <summary>Seconds for PostDataSql (constraint validation, index builds), sequence updates and commit.</summary>
    public required double ConstrainSeconds { get; init; }
    public double TotalSeconds => CreateSeconds + CopySeconds + ConstrainSeconds;
}

/// <summary>A load failed and was rolled back: nothing it wrote remains. The message names the table, and the column,
/// constraint and offending values when the server says. The CLI maps it to exit code 3.</summary>
public sealed class LoadException : Exception
{
    public LoadException(string message, QualifiedName? table = null, string? column = null, string? constraint = null,
        Exception? inner = null) : base(message, inner)
    {
        Table = table;
        Column = column;
        Constraint = constraint;
    }

    public QualifiedName? Table { get; }
    public string? Column { get; }
    public string? Constraint { get; }

    /// <summary>Turns a server error into a message for people: "payment: row 17 violates check constraint
    /// payment_amount_check (amount=-3)".</summary>
    internal static LoadException FromPostgres(PostgresException e, TableDef? table, string phase)
    {
        var name = table?.Name ?? (e.TableName is { } tn ? new QualifiedName(e.SchemaName ?? "public", tn) : null);
        var sb = new StringBuilder();
        sb.Append(name is { } n ? DisplayName(n) : phase).Append(": ");
        var row = CopyLine(e.Where);
        switch (e.SqlState)
        {
            case PostgresErrorCodes.CheckViolation when e.ConstraintName is { } check:
                // A domain's CHECK fails while the value is read: the server names the column in the context.
                var domainColumn = ColumnFromWhere(e.Where);
                sb.Append(row is { } r1 ? $"row {r1}" : "a row")
                  .Append(domainColumn is { } dc ? $", column {dc}" : "")
                  .Append(" violates check constraint ").Append(check);
                if (FailingValues(e.Detail, table, CheckColumns(table, check)) is { } vals) sb.Append(" (").Append(vals).Append(')');
                break;
            case PostgresErrorCodes.NotNullViolation:
                sb.Append(row is { } r2 ? $"row {r2}: " : "").Append("NULL in column ").Append(e.ColumnName ?? "?")
                  .Append(" which is NOT NULL");
                break;
            case PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.UniqueViolation:
                sb.Append(row is { } r3 ? $"row {r3} violates " : "violates ")
                  .Append(e.SqlState == PostgresErrorCodes.UniqueViolation ? "unique constraint " : "foreign key ")
                  .Append(e.ConstraintName);
                if (e.Detail is { } d) sb.Append(": ").Append(d.TrimEnd('.'));
                break;
            default:
                sb.Append(e.MessageText);
                if (e.ColumnName is { } c) sb.Append(" (column ").Append(c).Append(')');
                if (e.Detail is { } detail) sb.Append(": ").Append(detail.TrimEnd('.'));
                if (e.Where is { } where) sb.Append(" [").Append(where).Append(']');
                break;
        }
        return new LoadException(sb.ToString(), name, e.ColumnName ?? ColumnFromWhere(e.Where), e.ConstraintName, e);
    }

    /// <summary>How messages name a table: bare in the public schema, schema-qualified elsewhere.</summary>
    internal static string DisplayName(QualifiedName n) => n.Schema == "public" ? n.Name : n.ToString();

    // COPY errors carry "COPY customer, line 17" (binary COPY counts rows from 1) and sometimes ", column x: …".
    private static long? CopyLine(string? where)
    {
        if (where is null || !where.StartsWith("COPY ", StringComparison.Ordinal)) return null;
        var i = where.IndexOf(", line ", StringComparison.Ordinal);
        if (i < 0) return null;
        var digits = new string(where[(i + 7)..].TakeWhile(char.IsAsciiDigit).ToArray());
        return long.TryParse(digits, out var line) ? line : null;
    }

    private static string? ColumnFromWhere(string? where)
    {
        if (where is null) return null;
        var i = where.IndexOf(", column ", StringComparison.Ordinal);
        if (i < 0) return null;
        var rest = where[(i + 9)..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? rest : rest[..colon];
    }

    private static IReadOnlyCollection<string> CheckColumns(TableDef? table, string constraint)
    {
        var check = table?.Checks.Find(c => c.Name == constraint);
        if (check is null) return [];
        if (check.Predicate is { } p) return p.Columns().ToHashSet();
        // Without a parsed predicate: the columns whose names appear as words in the expression.
        return table!.Columns.Where(c => ContainsWord(check.Expression, c.Name)).Select(c => c.Name).ToHashSet();
    }

    private static bool ContainsWord(string text, string word)
    {
        for (var i = text.IndexOf(word, StringComparison.Ordinal); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.Ordinal))
        {
            var before = i == 0 || !IsIdentChar(text[i - 1]);
            var after = i + word.Length == text.Length || !IsIdentChar(text[i + word.Length]);
            if (before && after) return true;
        }
        return false;
    }

    private static bool IsIdentChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$';

    /// <summary>"amount=-3" from "Failing row contains (1, -3, x)." when the values line up with the table's columns.</summary>
    private static string? FailingValues(string? detail, TableDef? table, IReadOnlyCollection<string> columns)
    {
        const string prefix = "Failing row contains (";
        if (detail is null || table is null || columns.Count == 0 || !detail.StartsWith(prefix, StringComparison.Ordinal))
            return null;
        var body = detail[prefix.Length..].TrimEnd('.');
        if (body.EndsWith(')')) body = body[..^1];
        var values = PgIntrospector.SplitTopLevel(body);
        if (values.Count != table.Columns.Count) return null;
        var parts = table.Columns.Select((c, i) => (c.Name, Value: values[i]))
            .Where(x => columns.Contains(x.Name))
            .Select(x => $"{x.Name}={x.Value}");
        return string.Join(", ", parts);
    }
}
