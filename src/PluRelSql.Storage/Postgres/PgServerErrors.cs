using System.Net.Sockets;
using Npgsql;

namespace PluRelSql.Storage.Postgres;

/// <summary>Messages for people when the server cannot be reached or goes away, naming the host and database:
/// "could not resolve host db.example", "could not connect to 127.0.0.1:5433: connection refused", "the server closed
/// the connection during the load of account (host 127.0.0.1:5432, database shop)" — instead of the driver's
/// "Name or service not known" or "Broken pipe". The one place these texts are made (the loader and the CLI use it).</summary>
public static class PgServerErrors
{
    /// <summary>True when <paramref name="e"/> says the connection to the server is gone (closed, reset, the server
    /// shut down or crashed), as opposed to the server refusing a statement or a connection that never opened.</summary>
    public static bool IsConnectionLoss(Exception e) => e switch
    {
        PostgresException p => IsShutdown(p.SqlState) || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => ConnectError(e) is null && Chain(e).Any(x => x is IOException or EndOfStreamException or SocketException),
        _ => false,
    };

    /// <summary>The message for a failure to reach or keep the server, or null when <paramref name="e"/> is not one.
    /// <paramref name="during"/> says what was going on ("the load of account") when the connection was lost.</summary>
    public static string? Describe(Exception e, string host, int port, string database, string? during = null)
    {
        if (ConnectError(e) is { } socket)
            return socket.SocketErrorCode switch
            {
                SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData =>
                    $"could not resolve host {host} (database {database}): {socket.Message}",
                SocketError.ConnectionRefused =>
                    $"could not connect to {Endpoint(host, port)} (database {database}): connection refused " +
                    "(is the server running and accepting connections there?)",
                _ => $"could not connect to {Endpoint(host, port)} (database {database}): {socket.Message}",
            };
        if (!IsConnectionLoss(e)) return null;
        var why = e is PostgresException p ? $": {p.MessageText}" : "";
        return $"the server closed the connection{(during is null ? "" : " during " + during)} " +
               $"(host {Endpoint(host, port)}, database {database}){why}";
    }

    /// <summary>How messages name a server: host:port, [v6]:port, or the Unix socket's path.</summary>
    public static string Endpoint(string host, int port) =>
        host.StartsWith('/') ? $"{host}/.s.PGSQL.{port}"
        : host.Contains(':', StringComparison.Ordinal) && !host.Contains(',', StringComparison.Ordinal) ? $"[{host}]:{port}"
        : $"{host}:{port}";

    // 57P01 admin_shutdown, 57P02 crash_shutdown (another backend crashed), 57P03 cannot_connect_now (starting up,
    // shutting down or in recovery).
    private static bool IsShutdown(string sqlState) =>
        sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;

    /// <summary>The socket error of a connection that could not be opened (name lookup, refused, unreachable).</summary>
    private static SocketException? ConnectError(Exception e) =>
        Chain(e).OfType<SocketException>().FirstOrDefault(s => s.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain
            or SocketError.NoData or SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable
            or SocketError.AddressNotAvailable);

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }
}
