using System.Text.RegularExpressions;

namespace PluRelSql.Storage;

/// <summary>The temporary name a database is built under before it takes its real one (<c>NAME__plurel_HEX8</c>),
/// for both servers: made here, and recognised here when a later run looks for the builds of runs that are gone.</summary>
internal static partial class BuildDatabaseName
{
    /// <summary>What every build name holds, for a server-side prefilter (the full test is <see cref="Is"/>).</summary>
    public const string Marker = "__plurel_";

    /// <summary><c>NAME__plurel_HEX8</c>, NAME cut (never inside a surrogate pair) until the whole measures at most
    /// <paramref name="maxLength"/> by <paramref name="measure"/> (UTF-8 bytes for PostgreSQL, characters for SQL Server).</summary>
    public static string For(string database, string hex8, int maxLength, Func<string, int> measure)
    {
        var room = maxLength - measure(Marker + hex8);
        var prefix = database;
        while (measure(prefix) > room) prefix = prefix[..^(char.IsLowSurrogate(prefix[^1]) ? 2 : 1)];
        return prefix + Marker + hex8;
    }

    /// <summary>True for names <see cref="For"/> makes: a name, <c>__plurel_</c> and exactly eight lower-case hex digits
    /// at the very end (a user's <c>shop__plurel_notes</c> is not one).</summary>
    public static bool Is(string name) => Pattern().IsMatch(name);

    [GeneratedRegex(@"^.+__plurel_[0-9a-f]{8}\z", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Pattern();
}
