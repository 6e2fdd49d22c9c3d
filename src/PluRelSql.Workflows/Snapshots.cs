using System.Text.RegularExpressions;
using PluRelSql.Storage;
using PluRelSql.Tokenization;

namespace PluRelSql.Workflows;

/// <summary>Reads the schemas of a database (PostgreSQL or SQL Server) that match a shell-style glob (each schema is one
/// database to the model).</summary>
public static class Snapshots
{
    public static async Task<List<RelationalSnapshot>> LoadAsync(DatabaseEndpoint target, string pattern, TextWriter log, CancellationToken ct)
    {
        var regex = new Regex("^" + GlobToRegex(pattern) + "$", RegexOptions.CultureInvariant);
        await using var session = await target.OpenAsync(ct).ConfigureAwait(false);
        var schemas = (await session.ListSchemasAsync(ct).ConfigureAwait(false)).Where(s => regex.IsMatch(s)).ToList();
        if (schemas.Count == 0) throw new UsageException($"no schema of {target.Description} matches '{pattern}'");
        return await LoadAsync(session, target, schemas, log, ct).ConfigureAwait(false);
    }

    /// <summary>Reads the named schemas, in order.</summary>
    public static async Task<List<RelationalSnapshot>> LoadAsync(DatabaseEndpoint target, IReadOnlyList<string> schemas, TextWriter log, CancellationToken ct)
    {
        await using var session = await target.OpenAsync(ct).ConfigureAwait(false);
        return await LoadAsync(session, target, schemas, log, ct).ConfigureAwait(false);
    }

    private static async Task<List<RelationalSnapshot>> LoadAsync(DatabaseSession session, DatabaseEndpoint target,
        IReadOnlyList<string> schemas, TextWriter log, CancellationToken ct)
    {
        var result = new List<RelationalSnapshot>();
        foreach (var s in schemas)
        {
            var snap = await RelationalSnapshot.LoadAsync(session, s, ct).ConfigureAwait(false);
            log.WriteLine($"  read {target.Database}.{s}: {snap.Tables.Count} tables, {snap.NodeCount:N0} rows, {snap.TotalCells:N0} cells");
            result.Add(snap);
        }
        return result;
    }

    /// <summary>Shell glob → regex: * any run, ? one character, [abc] / [0-9] / [!x] classes; everything else literal.</summary>
    public static string GlobToRegex(string glob)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var end = glob.IndexOf(']', i + 1);
                    if (end < 0) { sb.Append(@"\["); break; }
                    var body = glob[(i + 1)..end];
                    if (body.StartsWith('!')) body = "^" + body[1..];
                    sb.Append('[').Append(body.Replace(@"\", @"\\", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.ToString();
    }
}
