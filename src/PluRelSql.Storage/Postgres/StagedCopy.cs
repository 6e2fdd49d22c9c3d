using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>Tables with columns of extension types (hstore, ltree, cube, isn, lo, vector, PostGIS …) are copied through
/// a temporary table that holds those columns as text: binary COPY needs each type's binary receive format, which
/// isn has none of and the others define per extension, while every type reads its text form. The rows then move
/// with one INSERT … SELECT that casts the text to the column's real type (the server checks every value there).</summary>
internal sealed class StagedCopy
{
    private const string Stage = "plurel_stage";

    private StagedCopy(TableDef table, List<ColumnDef> columns, HashSet<string> staged)
    {
        Table = table;
        Columns = columns;
        StagedColumns = staged;
    }

    public TableDef Table { get; }
    public List<ColumnDef> Columns { get; }
    public HashSet<string> StagedColumns { get; }

    /// <summary>A column binary COPY cannot write: an extension type (or one we do not know), except scalar citext,
    /// whose binary form is text's.</summary>
    public static bool NeedsStage(ColumnDef c) =>
        c.Type.Kind == TypeKind.Other && !(c.Type is { IsArray: false, UserType.Name: "citext" });

    /// <summary>The staging plan of a table, or null when binary COPY can load it directly.</summary>
    public static StagedCopy? For(TableDef table, List<ColumnDef> columns)
    {
        var staged = columns.Where(NeedsStage).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return staged.Count == 0 ? null : new StagedCopy(table, columns, staged);
    }

    /// <summary>The writer of a staged column: its text (or text[]) values, as the staging table's text column.</summary>
    public ColumnWriter Writer(ColumnDef c) => StagedColumns.Contains(c.Name) ? ColumnWriter.StagedText(Table, c) : ColumnWriter.For(Table, c);

    /// <summary>The COPY statement into the staging table.</summary>
    public string CopySql => $"COPY pg_temp.{Stage} ({string.Join(", ", Columns.Select(c => SqlIdent.Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";

    /// <summary>Creates the staging table: the loaded columns as the target has them, the staged ones as text.</summary>
    public async Task CreateAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var select = string.Join(", ", Columns.Select(c =>
            StagedColumns.Contains(c.Name)
                ? $"NULL::text{(c.Type.IsArray ? "[]" : "")} AS {SqlIdent.Quote(c.Name)}"
                : SqlIdent.Quote(c.Name)));
        await ExecuteAsync(conn, $"DROP TABLE IF EXISTS pg_temp.{Stage}", ct).ConfigureAwait(false);
        await ExecuteAsync(conn, $"CREATE TEMP TABLE {Stage} ON COMMIT DROP AS SELECT {select} FROM {Table.Name.ToSql()} WITH NO DATA", ct)
            .ConfigureAwait(false);
    }

    /// <summary>Creates the large objects lo columns point at (each OID once, unless it exists), then moves the rows
    /// into the target with the casts, and drops the staging table.</summary>
    public async Task FinishAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var types = await ColumnTypesAsync(conn, ct).ConfigureAwait(false);
        foreach (var c in Columns.Where(c => StagedColumns.Contains(c.Name) && ExtensionTypes.NameOf(c.Type.ElementType) == "lo"))
        {
            var oids = c.Type.IsArray ? $"unnest({SqlIdent.Quote(c.Name)})::oid" : $"{SqlIdent.Quote(c.Name)}::oid";
            await ExecuteAsync(conn,
                $"""
                SELECT lo_from_bytea(d.o, convert_to('plurel large object ' || d.o, 'UTF8'))
                FROM (SELECT DISTINCT {oids} AS o FROM pg_temp.{Stage}) d
                WHERE d.o IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_largeobject_metadata m WHERE m.oid = d.o)
                """, ct).ConfigureAwait(false);
        }
        var names = string.Join(", ", Columns.Select(c => SqlIdent.Quote(c.Name)));
        var values = string.Join(", ", Columns.Select(c =>
            StagedColumns.Contains(c.Name) ? $"{SqlIdent.Quote(c.Name)}::{types[c.Name]}" : SqlIdent.Quote(c.Name)));
        // COPY writes GENERATED ALWAYS identity columns as given; INSERT needs to be told.
        var overriding = Columns.Any(c => c.Identity != IdentityKind.None) ? " OVERRIDING SYSTEM VALUE" : "";
        await ExecuteAsync(conn, $"INSERT INTO {Table.Name.ToSql()} ({names}){overriding} SELECT {values} FROM pg_temp.{Stage}", ct)
            .ConfigureAwait(false);
        await ExecuteAsync(conn, $"DROP TABLE pg_temp.{Stage}", ct).ConfigureAwait(false);
    }

    /// <summary>The target's column types as the server spells them (schema-qualified when not on the search path,
    /// with their typmods: geometry(Point,4326), vector(3)).</summary>
    private async Task<Dictionary<string, string>> ColumnTypesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
            conn);
        cmd.Parameters.AddWithValue(Table.Name.ToSql());
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) result[r.GetString(0)] = r.GetString(1);
        return result;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
