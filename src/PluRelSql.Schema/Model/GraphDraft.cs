namespace PluRelSql.Schema;

/// <summary>A reader's private working collections for a graph while it reads statements in order;
/// <see cref="Build"/> makes the read-only <see cref="SchemaGraph"/>.</summary>
internal sealed class GraphDraft
{
    public List<TableDraft> Tables { get; } = [];
    public List<EnumType> Enums { get; } = [];
    public List<DomainType> Domains { get; } = [];
    public List<SequenceDef> Sequences { get; } = [];
    public List<IndexDef> Indexes { get; } = [];
    public List<string> Extensions { get; } = [];

    public EnumType? FindEnum(QualifiedName name) => Enums.Find(e => e.Name == name);

    public SequenceDef? FindSequence(QualifiedName name) => Sequences.Find(s => s.Name == name);

    public SchemaGraph Build(SqlDialect dialect) => new()
    {
        Tables = Tables.ConvertAll(t => t.Build()), Enums = Enums, Domains = Domains, Sequences = Sequences, Indexes = Indexes, Extensions = Extensions,
        Dialect = dialect,
    };
}
