using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

internal sealed class LinkSpec
{
    public required ForeignKey Key { get; init; }
    public required TableState Parent { get; init; }
    public required HsbmLinker Hsbm { get; init; }
    public required ulong StreamKey { get; init; }
    /// <summary>False for self references, FKs set aside to break cycles, and parents without features.</summary>
    public required bool FeedsScm { get; init; }
}
