using System.Text.RegularExpressions;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Storage.SqlServer;

/// <summary>SQL Server error messages → <see cref="LoadException"/>s that name the table, column and constraint.
/// SQL Server reports constraint violations as text only (no separate fields as PostgreSQL has), so the names are
/// read from the messages of the errors a load can meet: 547 (CHECK / FOREIGN KEY), 2627 and 2601 (duplicate keys),
/// 1505 (a unique index over duplicates), 515 (NULL), 2628 / 8152 (truncation) and 4815 (a value too long for
/// bulk copy's column).</summary>
internal static partial class SqlServerErrors
{
    /// <param name="current">The table being copied when the error came, or null (schema statements, constraints).</param>
    /// <param name="destinationColumns">The current table's columns in column_id order (bulk copy's "colid").</param>
    public static LoadException Describe(int number, string message, string phase, SchemaGraph graph, TableDef? current,
        IReadOnlyList<string>? destinationColumns = null, Exception? inner = null)
    {
        string Where(TableDef? t, QualifiedName? named) =>
            t is not null ? LoadException.DisplayName(t.Name) : named is { } n ? LoadException.DisplayName(n) : phase;

        switch (number)
        {
            case 547 when Conflict().Match(message) is { Success: true } m:
            {
                var kind = m.Groups["kind"].Value;
                var name = m.Groups["name"].Value;
                var named = ParseTable(m.Groups["table"].Value);
                var column = m.Groups["column"].Success ? m.Groups["column"].Value : null;
                if (kind == "CHECK")
                {
                    var owner = FindByCheck(graph, name) ?? Find(graph, named) ?? current;
                    return new LoadException(
                        $"{Where(owner, named)}: {Rows(phase)} violate{(phase == "copy" ? "s" : "")} check constraint {name}" +
                        (column is not null ? $" (column {column})" : "") + Context(phase),
                        owner?.Name ?? named, column, name, inner);
                }
                // FOREIGN KEY / REFERENCE: the message names the referenced table and column; the owner is the child.
                var (child, fk) = FindByForeignKey(graph, name);
                child ??= current;
                var referenced = named is { } r ? LoadException.DisplayName(r) : "the referenced table";
                var childColumns = fk is not null ? string.Join(", ", fk.Columns) : null;
                return new LoadException(
                    $"{Where(child, named)}: {Rows(phase)} violate{(phase == "copy" ? "s" : "")} foreign key {name}: " +
                    $"{(childColumns is not null ? $"values of ({childColumns})" : "a key")} not present in {referenced}" +
                    (column is not null ? $" ({column})" : "") + Context(phase),
                    child?.Name ?? named, fk?.Columns.FirstOrDefault() ?? column, name, inner);
            }
            case 2627 when DuplicateKey().Match(message) is { Success: true } m:
            {
                var named = ParseTable(m.Groups["table"].Value);
                var owner = Find(graph, named) ?? current;
                var kind = m.Groups["kind"].Value == "PRIMARY KEY" ? "primary key" : "unique constraint";
                return new LoadException(
                    $"{Where(owner, named)}: duplicate key violates {kind} {m.Groups["name"].Value}: ({m.Groups["values"].Value})" + Context(phase),
                    owner?.Name ?? named, KeyColumn(owner, m.Groups["name"].Value), m.Groups["name"].Value, inner);
            }
            case 2601 when DuplicateIndexRow().Match(message) is { Success: true } m:
            {
                var named = ParseTable(m.Groups["table"].Value);
                var owner = Find(graph, named) ?? current;
                return new LoadException(
                    $"{Where(owner, named)}: duplicate key violates unique index {m.Groups["name"].Value}: ({m.Groups["values"].Value})" + Context(phase),
                    owner?.Name ?? named, null, m.Groups["name"].Value, inner);
            }
            case 1505 when DuplicateIndexBuild().Match(message) is { Success: true } m:
            {
                var named = ParseTable(m.Groups["table"].Value);
                var owner = Find(graph, named) ?? current;
                return new LoadException(
                    $"{Where(owner, named)}: the rows hold duplicates of unique key {m.Groups["name"].Value}: ({m.Groups["values"].Value})" + Context(phase),
                    owner?.Name ?? named, KeyColumn(owner, m.Groups["name"].Value), m.Groups["name"].Value, inner);
            }
            case 515 when NullInsert().Match(message) is { Success: true } m:
            {
                var named = ParseTable(m.Groups["table"].Value);
                var owner = Find(graph, named) ?? current;
                var column = m.Groups["column"].Value;
                return new LoadException($"{Where(owner, named)}: NULL in column {column} which is NOT NULL" + Context(phase),
                    owner?.Name ?? named, column, null, inner);
            }
            case 2628 or 8152 when Truncation().Match(message) is { Success: true } m:
            {
                var named = ParseTable(m.Groups["table"].Value);
                var owner = Find(graph, named) ?? current;
                var column = m.Groups["column"].Value;
                return new LoadException(
                    $"{Where(owner, named)}: a value is too long for column {column}" +
                    (m.Groups["value"].Success ? $" (truncated: '{m.Groups["value"].Value}')" : "") + Context(phase),
                    owner?.Name ?? named, column, null, inner);
            }
            case 4815 or 4816 when ColumnId().Match(message) is { Success: true } m:
            {
                var colid = int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
                var column = destinationColumns is not null && colid >= 1 && colid <= destinationColumns.Count
                    ? destinationColumns[colid - 1] : null;
                var type = column is not null ? current?.FindColumn(column)?.Type : null;
                return new LoadException(
                    $"{Where(current, null)}: {(column is not null ? $"column {column}{(type is not null ? $" ({type})" : "")}" : $"column #{colid}")}: " +
                    $"{message.TrimEnd('.')} (the target column is shorter or of another type than the schema says)",
                    current?.Name, column, null, inner);
            }
            default:
                return new LoadException($"{Where(current, null)}: {message.TrimEnd('.')} (SQL Server error {number}){Context(phase)}",
                    current?.Name, null, null, inner);
        }
    }

    /// <summary>A SqlBulkCopy conversion failure ("The given value 'x' of type String from the data source cannot be
    /// converted to type int for Column 3 [qty] Row 17.").</summary>
    public static LoadException DescribeClientError(string message, TableDef? current, Exception inner)
    {
        var column = BracketColumn().Match(message) is { Success: true } m ? m.Groups[1].Value : null;
        return new LoadException($"{(current is not null ? LoadException.DisplayName(current.Name) : "copy")}: {message.TrimEnd('.')}",
            current?.Name, column, null, inner);
    }

    private static string Rows(string phase) => phase == "copy" ? "a row" : "rows";

    private static string Context(string phase) => phase == "copy" ? "" : $" [{phase}]";

    /// <summary>"dbo.t", "db.dbo.t" or "t" as SQL Server prints object names (no brackets).</summary>
    internal static QualifiedName? ParseTable(string text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var parts = text.Split('.');
        return parts.Length switch
        {
            1 => new QualifiedName("dbo", parts[0]),
            _ => new QualifiedName(parts[^2], parts[^1]),
        };
    }

    private static TableDef? Find(SchemaGraph graph, QualifiedName? name) =>
        name is not { } n ? null : graph.Tables.FirstOrDefault(t => SameName(t.Name, n));

    private static bool SameName(QualifiedName a, QualifiedName b) =>
        string.Equals(a.Schema, b.Schema, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);

    private static TableDef? FindByCheck(SchemaGraph graph, string name) =>
        graph.Tables.FirstOrDefault(t => t.Checks.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)));

    private static (TableDef?, ForeignKey?) FindByForeignKey(SchemaGraph graph, string name)
    {
        foreach (var t in graph.Tables)
            if (t.ForeignKeys.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) is { } fk) return (t, fk);
        return (null, null);
    }

    private static string? KeyColumn(TableDef? table, string constraint)
    {
        if (table is null) return null;
        var key = string.Equals(table.PrimaryKey?.Name, constraint, StringComparison.OrdinalIgnoreCase)
            ? table.PrimaryKey
            : table.Uniques.FirstOrDefault(u => string.Equals(u.Name, constraint, StringComparison.OrdinalIgnoreCase));
        return key?.Columns.Count == 1 ? key.Columns[0] : null;
    }

    [GeneratedRegex("""statement conflicted with the (?<kind>CHECK|FOREIGN KEY SAME TABLE|FOREIGN KEY|REFERENCE) constraint "(?<name>[^"]+)"\. The conflict occurred in database "[^"]*", table "(?<table>[^"]+)"(?:, column '(?<column>[^']+)')?""", RegexOptions.CultureInvariant)]
    private static partial Regex Conflict();

    [GeneratedRegex("""Violation of (?<kind>PRIMARY KEY|UNIQUE KEY) constraint '(?<name>[^']+)'\. Cannot insert duplicate key in object '(?<table>[^']+)'\.(?: The duplicate key value is \((?<values>.*)\)\.)?""", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DuplicateKey();

    [GeneratedRegex("""Cannot insert duplicate key row in object '(?<table>[^']+)' with unique index '(?<name>[^']+)'\.(?: The duplicate key value is \((?<values>.*)\)\.)?""", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DuplicateIndexRow();

    [GeneratedRegex("""duplicate key was found for the object name '(?<table>[^']+)' and the index name '(?<name>[^']+)'\.(?: The duplicate key value is \((?<values>.*)\)\.)?""", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DuplicateIndexBuild();

    [GeneratedRegex("""Cannot insert the value NULL into column '(?<column>[^']+)', table '(?<table>[^']+)'""", RegexOptions.CultureInvariant)]
    private static partial Regex NullInsert();

    [GeneratedRegex("""would be truncated in table '(?<table>[^']+)', column '(?<column>[^']+)'(?:\. Truncated value: '(?<value>.*)')?""", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Truncation();

    [GeneratedRegex(@"colid (?<id>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ColumnId();

    [GeneratedRegex(@"\[([^\]]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex BracketColumn();
}
