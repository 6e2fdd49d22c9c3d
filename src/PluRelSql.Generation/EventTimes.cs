using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>The one date or timestamp column that says when a row happened or came to be (orders.order_date,
/// rental.rental_date, customer.create_date, employees.hire_date): activity tables with a sequence key get it growing
/// with the row, like a log, and a child row's is drawn after its parent's. Birth dates, updates and ends never are.</summary>
internal static class EventTimes
{
    /// <summary>Names of a row's own moment, most telling first (after the table's own "{table}_date").</summary>
    private static readonly string[] Names =
    [
        "order_date", "ordered_at", "ordered_on", "order_time", "transaction_date", "transaction_time", "transacted_at",
        "event_date", "event_time", "occurred_at", "happened_at", "logged_at", "recorded_at", "timestamp", "ts",
        "sale_date", "sold_at", "purchase_date", "purchased_at", "booking_date", "booked_at", "placed_at", "invoice_date",
        "payment_date", "paid_at", "rental_date", "rented_at", "sent_at", "posted_at", "published_at", "submitted_at",
        "created_at", "created", "created_on", "creation_date", "creation_time", "create_date", "create_time", "date_created",
        "inserted_at", "registered_at", "registration_date", "signup_date", "signed_up_at", "sign_up_date", "joined_at",
        "join_date", "joined_on", "hire_date", "hired_at", "hired_on", "opened_at", "open_date", "issued_at", "issue_date",
    ];

    /// <summary>The table's event column among <paramref name="candidates"/> (loaded calendar columns that are neither
    /// keys nor foreign keys), or null when no name says so.</summary>
    public static string? Find(TableDef table, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(table);
        var byName = candidates.Select(c => (Name: c, Snake: TemporalPairs.Snake(c)))
            .Where(c => !c.Snake.Contains("birth", StringComparison.Ordinal) && c.Snake != "dob").ToList();
        if (byName.Count == 0) return null;
        var stem = TemporalPairs.Snake(table.Name.Name);
        string[] stems = [stem, Singular(stem)];
        foreach (var s in stems)
            foreach (var suffix in (string[])["_date", "_at", "_time", "_on", "_datetime", "_timestamp"])
                if (byName.FirstOrDefault(c => c.Snake == s + suffix) is { Name: not null } hit) return hit.Name;
        foreach (var n in Names)
            if (byName.FirstOrDefault(c => c.Snake == n) is { Name: not null } hit) return hit.Name;
        return null;
    }

    /// <summary>The table's event column, chosen among its plain calendar columns.</summary>
    public static string? Of(TableAnalysis a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Find(a.Table, a.Loaded.Where(c => IsCalendar(c.Type) && !a.FkOf.ContainsKey(c.Name) && !a.IsKeyColumn(c.Name)
            && c.Identity == IdentityKind.None && a.Table.Partitioning?.Columns.Contains(c.Name) != true).Select(c => c.Name));
    }

    /// <summary>A single integer primary key: row i gets the i-th key, so a log's moments grow with it.</summary>
    public static bool HasSequenceKey(TableAnalysis a) =>
        a.Table.PrimaryKey is { Columns: [var k] } && a.Table.FindColumn(k) is { Type.IsInteger: true, Type.IsArray: false } && !a.FkOf.ContainsKey(k);

    public static bool IsCalendar(SqlType t) => !t.IsArray && t.Kind is TypeKind.Date or TypeKind.Timestamp or TypeKind.TimestampTz;

    private static string Singular(string s) =>
        s.EndsWith("ies", StringComparison.Ordinal) ? s[..^3] + "y"
        : s.EndsWith("ses", StringComparison.Ordinal) || s.EndsWith("xes", StringComparison.Ordinal) ? s[..^2]
        : s.EndsWith('s') && !s.EndsWith("ss", StringComparison.Ordinal) ? s[..^1] : s;
}
