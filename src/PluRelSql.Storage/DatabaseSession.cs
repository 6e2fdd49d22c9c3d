using System.Data.Common;
using Microsoft.Data.SqlClient;
using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage;

/// <summary>An open connection to either server, with what readers need that differs per driver: the schema
/// (pg_catalog or sys.* introspection) and the list of schemas that hold tables. Everything else a reader does goes
/// through <see cref="Connection"/> as plain ADO.NET, so the drivers stay in this project.</summary>
public sealed class DatabaseSession : IAsyncDisposable
{
    private DatabaseSession(DatabaseProvider provider, DbConnection connection)
    {
        Provider = provider;
        Connection = connection;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>What differs per server (introspection, schema listing, snapshot SQL).</summary>
    public IDatabaseTarget Target => DatabaseTargets.For(Provider);
    public DbConnection Connection { get; }

    /// <summary>Opens <paramref name="connectionString"/> (an Npgsql or SqlClient connection string, as the provider says).</summary>
    public static async Task<DatabaseSession> OpenAsync(DatabaseProvider provider, string connectionString, CancellationToken ct = default)
    {
        var conn = DatabaseTargets.For(provider).CreateConnection(connectionString);
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new DatabaseSession(provider, conn);
    }

    /// <summary>Wraps an open PostgreSQL connection (the caller keeps owning it only if it does not dispose this).</summary>
    public static DatabaseSession Of(NpgsqlConnection conn) => new(DatabaseProvider.Postgres, conn);

    /// <summary>Wraps an open SQL Server connection.</summary>
    public static DatabaseSession Of(SqlConnection conn) => new(DatabaseProvider.SqlServer, conn);

    /// <summary>Wraps an open connection of either driver (the server is told by the connection's type).</summary>
    public static DatabaseSession Of(DbConnection conn) => conn switch
    {
        NpgsqlConnection pg => Of(pg),
        SqlConnection ms => Of(ms),
        _ => throw new ArgumentException($"{conn?.GetType().Name ?? "null"}: not a PostgreSQL or SQL Server connection", nameof(conn)),
    };

    /// <summary>The graph of the given schemas (all user schemas when null).</summary>
    public Task<SchemaGraph> ReadSchemaAsync(IReadOnlyCollection<string>? schemas = null, CancellationToken ct = default) =>
        Target.ReadSchemaAsync(Connection, schemas, ct);

    /// <summary>User schemas that hold at least one table, in name order.</summary>
    public async Task<IReadOnlyList<string>> ListSchemasAsync(CancellationToken ct = default)
    {
        await using var cmd = Connection.CreateCommand();
        cmd.CommandText = Target.ListSchemasSql;
        var result = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) result.Add(r.GetString(0));
        return result;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
