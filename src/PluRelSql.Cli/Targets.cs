using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Cli;

/// <summary>Where a command connects: <c>--db</c> when given, else the embedded cluster under ./.plurel/pg (started
/// on demand). <c>--database NAME</c> picks the database on that server.</summary>
public sealed class Target
{
    private Target(NpgsqlConnectionStringBuilder builder, bool embedded)
    {
        Builder = builder;
        Embedded = embedded;
    }

    public NpgsqlConnectionStringBuilder Builder { get; }
    public bool Embedded { get; }
    public string Database => Builder.Database ?? "postgres";

    public string ConnectionString => Builder.ConnectionString;

    /// <summary>The same server, another database (e.g. the maintenance database for CREATE DATABASE).</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(Builder.ConnectionString) { Database = database }.ConnectionString;

    public string Describe() => $"{Builder.Host}:{Builder.Port}/{Database}{(Embedded ? " (embedded)" : "")}";

    public static EmbeddedCluster Cluster() =>
        EmbeddedCluster.At(Path.Combine(Directory.GetCurrentDirectory(), ".plurel", "pg"));

    public static async Task<Target> Resolve(string? db, string? database, CancellationToken ct)
    {
        if (db is not null)
        {
            var b = PgConnectionString.Parse(db);
            if (database is not null) b.Database = database;
            return new Target(b, embedded: false);
        }
        var cluster = Cluster();
        await cluster.StartAsync(ct);
        var eb = new NpgsqlConnectionStringBuilder(cluster.ConnectionString(database ?? "postgres"));
        return new Target(eb, embedded: true);
    }

    /// <summary>CREATE DATABASE when it does not exist (optionally dropping it first). Returns true when it was created.</summary>
    public async Task<bool> EnsureDatabase(bool recreate, CancellationToken ct)
    {
        var name = Database;
        await using var conn = new NpgsqlConnection(ConnectionStringFor(name == "postgres" ? "template1" : "postgres"));
        await conn.OpenAsync(ct);
        if (recreate)
        {
            if (name is "postgres" or "template0" or "template1")
                throw new UsageException($"refusing to drop the system database \"{name}\"");
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {SqlIdent.Quote(name)} WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync(ct);
        }
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.AddWithValue(name);
        if (await exists.ExecuteScalarAsync(ct) is not null) return false;
        await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdent.Quote(name)}", conn);
        await create.ExecuteNonQueryAsync(ct);
        return true;
    }
}
