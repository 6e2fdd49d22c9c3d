namespace PluRelSql.Schema;

// The script readers' private working state: a script may still change a table after CREATE TABLE (ALTER TABLE, a
// type declared later), so readers edit these and build the immutable model once the script is read.

/// <summary>A table while its statements are read (ALTER TABLE may still change it); <see cref="Build"/> makes the
/// <see cref="TableDef"/> at the end of the read.</summary>
internal sealed class TableDraft
{
    public required QualifiedName Name { get; init; }
    public bool Unlogged { get; init; }
    public SourcePosition? Position { get; init; }
    public List<ColumnDraft> Columns { get; } = [];
    public KeyConstraint? PrimaryKey { get; set; }
    public List<KeyConstraint> Uniques { get; } = [];
    public List<ForeignKey> ForeignKeys { get; } = [];
    public List<CheckConstraint> Checks { get; } = [];
    public List<ExclusionConstraint> Exclusions { get; } = [];
    public PartitionSpec? Partitioning { get; set; }
    public QualifiedName? PartitionOf { get; set; }
    public string? Comment { get; set; }

    public ColumnDraft? FindColumn(string name) => Columns.Find(c => c.Name == name);

    public ColumnDraft Column(string name) =>
        FindColumn(name) ?? throw new KeyNotFoundException($"table {Name} has no column \"{name}\"");

    public TableDef Build() => new()
    {
        Name = Name, Columns = Columns.ConvertAll(c => c.Build()), PrimaryKey = PrimaryKey, Uniques = Uniques,
        ForeignKeys = ForeignKeys, Checks = Checks, Exclusions = Exclusions, Partitioning = Partitioning,
        PartitionOf = PartitionOf, Unlogged = Unlogged, Comment = Comment, Position = Position,
    };
}

/// <summary>A column while its table is read: its type may resolve late, ALTER COLUMN edits it.</summary>
internal sealed class ColumnDraft
{
    public required string Name { get; init; }
    public required SqlType Type { get; set; }
    public bool Nullable { get; set; } = true;
    public string? Default { get; set; }
    public IdentityKind Identity { get; set; }
    public QualifiedName? Sequence { get; set; }
    public string? GeneratedExpression { get; set; }
    public string? GeneratedKind { get; set; }
    public long? IdentitySeed { get; set; }
    public long? IdentityIncrement { get; set; }
    public string? Collation { get; set; }
    public string? Comment { get; set; }
    public SourcePosition? Position { get; init; }

    public ColumnDef Build() => new()
    {
        Name = Name, Type = Type, Nullable = Nullable, Default = Default, Identity = Identity, Sequence = Sequence,
        IdentitySeed = IdentitySeed, IdentityIncrement = IdentityIncrement, GeneratedExpression = GeneratedExpression, GeneratedKind = GeneratedKind, Collation = Collation, Comment = Comment, Position = Position,
    };
}

