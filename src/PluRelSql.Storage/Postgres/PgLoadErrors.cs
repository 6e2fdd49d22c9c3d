using System.Text;
using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>PostgreSQL's errors during a load as <see cref="LoadException"/>s for people.</summary>
internal static class PgLoadErrors
{
    /// <summary>Turns a server error into a message for people: "payment: row 17 violates check constraint
    /// payment_amount_check (amount=-3)".</summary>
    internal static LoadException From(PostgresException e, TableDef? table, string phase)
    {
        var name = table?.Name ?? (e.TableName is { } tn ? new QualifiedName(e.SchemaName ?? "public", tn) : null);
        var sb = new StringBuilder();
        sb.Append(name is { } n ? LoadException.DisplayName(n) : phase).Append(": ");
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
        var check = table?.Checks.FirstOrDefault(c => c.Name == constraint);
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
