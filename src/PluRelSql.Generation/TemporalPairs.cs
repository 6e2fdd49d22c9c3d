using System.Text;

namespace PluRelSql.Generation;

/// <summary>Columns of one row whose names order them the way a real database does (created_at ≤ updated_at,
/// start_date &lt; end_date, order_date ≤ shipped_date and required_date, min_price ≤ max_price, sale_price ≤
/// list_price, cost ≤ price). The generator draws these orders by construction like CHECK
/// comparisons, but only as a preference: they never make a row fail. The one table of name pairs lives here.</summary>
internal static class TemporalPairs
{
    /// <summary>Which ordinal family a pair may join: dates/timestamps, times of day, or numbers.</summary>
    [Flags]
    internal enum Families { Temporal = 1, Numeric = 2 }

    /// <summary>Whole names in rank order: every name of an earlier group is ≤ (or &lt; when Strict) every name of a
    /// later group. Names are normalized to lower snake case (CreatedAt → created_at).</summary>
    private static readonly (string[][] Groups, bool Strict, Families Families)[] Chains =
    [
        ([
            ["created_at", "created", "created_on", "creation_date", "creation_time", "inserted_at", "inserted_on", "create_date", "create_time", "date_created"],
            ["updated_at", "updated", "updated_on", "modified_at", "modified", "modified_on", "last_modified", "last_modified_at", "changed_at", "changed_on", "update_date", "update_time", "date_modified", "last_update", "last_updated"],
        ], false, Families.Temporal),
        ([
            ["order_date", "ordered_at", "ordered_on", "order_time"],
            ["ship_date", "shipped_at", "shipped_on", "shipping_date", "shipped_date", "ship_time"],
            ["delivery_date", "delivered_at", "delivered_on", "delivered_date", "deliver_date"],
        ], false, Families.Temporal),
        ([
            ["order_date", "ordered_at", "ordered_on", "order_time"],
            ["required_date", "required_at", "required_on", "due_date", "due_at", "due_on"],
        ], false, Families.Temporal),
        ([
            ["rental_date", "rented_at", "rented_on", "checkout_date", "checked_out_at", "borrowed_at", "loan_date"],
            ["return_date", "returned_at", "returned_on", "returned_date", "checkin_date", "checked_in_at"],
        ], false, Families.Temporal),
        ([
            ["published_at", "published_on", "publish_date", "posted_at", "sent_at", "submitted_at", "requested_at", "opened_at", "issued_at", "issue_date", "invoice_date"],
            ["read_at", "answered_at", "approved_at", "closed_at", "resolved_at", "paid_at", "paid_on", "paid_date", "payment_date"],
        ], false, Families.Temporal),
        // Prices a name ranks: a list (regular, original, MSRP) price is at least the sale (discounted, net) price, and
        // what an item costs the seller at most what it sells for.
        ([
            ["sale_price", "sales_price", "discount_price", "discounted_price", "net_price", "actual_price", "special_price", "offer_price", "promo_price"],
            ["list_price", "listprice", "regular_price", "original_price", "msrp", "retail_price", "full_price", "base_price"],
        ], false, Families.Numeric),
        ([
            ["cost", "unit_cost", "cost_price", "standard_cost", "standardcost", "purchase_price", "wholesale_price", "buy_price", "supply_price", "cost_amount"],
            ["price", "unit_price", "unitprice", "list_price", "listprice", "sale_price", "sales_price", "selling_price", "sell_price", "retail_price", "msrp"],
        ], false, Families.Numeric),
        ([
            ["birth_date", "birthdate", "birthday", "dob", "date_of_birth", "born_at", "born_on"],
            ["death_date", "deathdate", "date_of_death", "died_at", "died_on"],
        ], true, Families.Temporal),
    ];

    /// <summary>One word of a name swapped for its partner, the rest equal: period_start/period_end,
    /// starts_at/ends_at, valid_from/valid_to, min_price/max_price.</summary>
    private static readonly (string[] Lower, string[] Upper, bool Strict, Families Families)[] Swaps =
    [
        (["start", "starts", "started", "begin", "begins", "beginning", "from"], ["end", "ends", "ended", "finish", "finishes", "finished", "to", "until", "till"], true, Families.Temporal),
        (["min", "minimum", "lowest"], ["max", "maximum", "highest"], false, Families.Numeric),
        (["low"], ["high"], false, Families.Numeric),
    ];

    /// <summary>Ordered pairs among <paramref name="columns"/> (Lower ≤ Upper, or &lt; when Strict) whose names say so
    /// and whose families agree with the pair (<paramref name="family"/>: 1 dates/timestamps, 2 times, 0 numbers,
    /// negative not ordinal). Pairs come in column order, so the result is a pure function of the table.</summary>
    public static List<(string Lower, string Upper, bool Strict)> Find(IReadOnlyList<string> columns, Func<string, int> family)
    {
        var result = new List<(string, string, bool)>();
        var norm = columns.Select(c => (Name: c, Snake: Snake(c), Family: family(c))).ToList();
        static bool Fits(Families f, int fam) => fam >= 0 && (fam == 0 ? f.HasFlag(Families.Numeric) : f.HasFlag(Families.Temporal));
        foreach (var a in norm)
            foreach (var b in norm)
            {
                if (ReferenceEquals(a.Name, b.Name) || a.Name == b.Name || a.Family != b.Family || a.Family < 0) continue;
                var match = Match(a.Snake, b.Snake);
                if (match is { } m && Fits(m.Families, a.Family)) result.Add((a.Name, b.Name, m.Strict));
            }
        return result;
    }

    /// <summary>Whether <paramref name="lower"/> comes before <paramref name="upper"/> by name.</summary>
    private static (bool Strict, Families Families)? Match(string lower, string upper)
    {
        foreach (var (groups, strict, fams) in Chains)
        {
            var i = Array.FindIndex(groups, g => g.Contains(lower));
            var j = Array.FindIndex(groups, g => g.Contains(upper));
            if (i >= 0 && j > i) return (strict, fams);
        }
        var lw = lower.Split('_');
        var uw = upper.Split('_');
        if (lw.Length != uw.Length) return null;
        var diff = -1;
        for (var k = 0; k < lw.Length; k++)
        {
            if (lw[k] == uw[k]) continue;
            if (diff >= 0) return null;
            diff = k;
        }
        if (diff < 0) return null;
        foreach (var (lo, hi, strict, fams) in Swaps)
            if (lo.Contains(lw[diff]) && hi.Contains(uw[diff])) return (strict, fams);
        return null;
    }

    /// <summary>Lower snake case: CreatedAt, createdAt, CREATED_AT and created-at all become created_at.</summary>
    internal static string Snake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var ch = name[i];
            if (!char.IsLetterOrDigit(ch))
            {
                if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
                continue;
            }
            // A word starts at an upper-case letter after a lower-case one or digit (createdAt), or at the last capital
            // of a run followed by lower case (HTTPServer → http_server).
            if (char.IsUpper(ch) && i > 0 && sb.Length > 0 && sb[^1] != '_'
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(ch));
        }
        return sb.ToString().Trim('_');
    }
}
