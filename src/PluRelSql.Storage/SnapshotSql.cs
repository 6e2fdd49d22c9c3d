using PluRelSql.Schema;

namespace PluRelSql.Storage;

/// <summary>The SQL the snapshot reader sends, per server: identifiers, casts to text and float, epoch seconds and
/// the aggregates behind the column statistics. The reader itself is plain ADO.NET over these expressions, so the
/// same code tokenizes a PostgreSQL and a SQL Server database.</summary>
public interface ISnapshotSql
{
    string Table(QualifiedName name);
    string Column(string name);
    /// <summary>The value as text that is equal for equal keys of the same type (key matching) or readable (text cells).</summary>
    string Text(string expr, SqlType type);
    string Float(string expr);
    /// <summary>A boolean as 0.0 / 1.0.</summary>
    string BoolFloat(string expr);
    /// <summary>A date, timestamp or timestamptz as seconds since 1970-01-01 (UTC for timestamptz), a float.</summary>
    string EpochSeconds(string expr);
    /// <summary>A float NULL.</summary>
    string NullFloat { get; }
    /// <summary>Three columns: non-null count (64-bit), mean, sample standard deviation of a float expression.</summary>
    string CountMeanStd(string expr, string floatExpr);
    /// <summary>Mean and population standard deviation of column <c>e</c> of a derived table.</summary>
    string MeanStdPop { get; }
}

public static class SnapshotSql
{
    public static ISnapshotSql For(DatabaseProvider provider) => DatabaseTargets.For(provider).SnapshotSql;

    public static ISnapshotSql Postgres { get; } = new PostgresSql();
    public static ISnapshotSql SqlServer { get; } = new SqlServerSql();

    private sealed class PostgresSql : ISnapshotSql
    {
        public string Table(QualifiedName name) => name.ToSql();
        public string Column(string name) => SqlIdent.Quote(name);
        public string Text(string expr, SqlType type) => expr + "::text";
        public string Float(string expr) => expr + "::float8";
        public string BoolFloat(string expr) => expr + "::int::float8";
        public string EpochSeconds(string expr) => $"extract(epoch from {expr})::float8";
        public string NullFloat => "NULL::float8";
        public string CountMeanStd(string expr, string floatExpr) => $"count({expr}), avg({floatExpr}), stddev_samp({floatExpr})";
        public string MeanStdPop => "avg(e), stddev_pop(e)";
    }

    private sealed class SqlServerSql : ISnapshotSql
    {
        public string Table(QualifiedName name) => Storage.SqlServer.SqlServerNames.Quote(name);
        public string Column(string name) => Storage.SqlServer.SqlServerNames.Quote(name);

        // Style 126 (ISO 8601) keeps every fractional digit of a date/time; style 3 every digit of a float. The
        // default styles would round both, and two keys could read as one.
        public string Text(string expr, SqlType type) => type.Kind switch
        {
            TypeKind.Date or TypeKind.Timestamp or TypeKind.TimestampTz or TypeKind.Time => $"CONVERT(nvarchar(max), {expr}, 126)",
            TypeKind.Real or TypeKind.Double => $"CONVERT(nvarchar(max), {expr}, 3)",
            _ => $"CONVERT(nvarchar(max), {expr})",
        };

        public string Float(string expr) => $"CAST({expr} AS float)";
        public string BoolFloat(string expr) => $"CAST(CAST({expr} AS int) AS float)";

        // DATEDIFF_BIG in microseconds fits any datetime2 in a bigint; a datetimeoffset is compared in UTC.
        public string EpochSeconds(string expr) => $"CAST(DATEDIFF_BIG(microsecond, '1970-01-01', {expr}) AS float) / 1e6";
        public string NullFloat => "CAST(NULL AS float)";
        public string CountMeanStd(string expr, string floatExpr) => $"COUNT_BIG({expr}), AVG({floatExpr}), STDEV({floatExpr})";
        public string MeanStdPop => "AVG(e), STDEVP(e)";
    }
}
