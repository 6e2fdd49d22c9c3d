using PluRelSql.Storage;

namespace PluRelSql.Workflows;

/// <summary>A resolved target database: which server (<see cref="Server"/>), how to reach it and how to name it for
/// people. The CLI resolves it from its options; workflows only use it.</summary>
public sealed record DatabaseEndpoint(IDatabaseTarget Server, string ConnectionString, string Database, string Description)
{
    /// <summary>Opens a session on the target database.</summary>
    public Task<DatabaseSession> OpenAsync(CancellationToken ct) => DatabaseSession.OpenAsync(Server.Provider, ConnectionString, ct);

    /// <summary>Takes the lock on the target database for a run of <paramref name="command"/>.</summary>
    public Task<ITargetSession> OpenSessionAsync(string command, CancellationToken ct) =>
        Server.OpenSessionAsync(ConnectionString, Database, command, ct);
}
