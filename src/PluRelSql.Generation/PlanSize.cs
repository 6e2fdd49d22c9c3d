using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>A rough size of a plan's table data, from column type widths (PostgreSQL's heap layout: a 24-byte tuple
/// header and a 4-byte line pointer per row, fixed widths for fixed types, typical generated lengths for text);
/// indexes and alignment padding are left out. Good for "is this 1 GB or 1 TB", not for capacity planning.</summary>
public static class PlanSize
{
    private const int RowOverhead = 28;

    public static long RowBytes(TableDef table)
    {
        ArgumentNullException.ThrowIfNull(table);
        long bytes = RowOverhead;
        foreach (var c in table.Columns.Where(c => c.IsLoaded))
            bytes += c.Type.IsArray ? 24 + 3 * Width(c.Type.ElementType) : Width(c.Type);
        return bytes;
    }

    // The type table's width, except where the modifiers size the value.
    private static int Width(SqlType t) => t.Kind switch
    {
        TypeKind.Numeric => 4 + Math.Max(4, (t.Precision ?? 12) / 2),
        TypeKind.Char => 1 + (t.Length ?? 1),
        TypeKind.Varchar => 1 + Math.Min(t.Length ?? 24, 24),
        TypeKind.Bit or TypeKind.VarBit => 5 + ((t.Length ?? 16) + 7) / 8,
        _ => t.Descriptor.Width,
    };

    /// <summary>Estimated bytes of every table's rows in the plan (a double: it is an estimate, and it never overflows).</summary>
    public static double Bytes(GenerationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Order.Tables.Sum(t => (double)plan.Rows(t) * RowBytes(t));
    }

    /// <summary>1234567890 → "1.1 GiB".</summary>
    public static string Human(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        var i = 0;
        while (bytes >= 1024 && i < units.Length - 1) { bytes /= 1024; i++; }
        return bytes.ToString(i == 0 ? "F0" : "F1", System.Globalization.CultureInfo.InvariantCulture) + " " + units[i];
    }
}
