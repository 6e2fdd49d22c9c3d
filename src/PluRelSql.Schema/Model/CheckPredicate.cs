namespace PluRelSql.Schema;

/// <summary>The simple CHECK forms a generator can satisfy by construction or by rejection:
/// comparisons of a column (or length(column)) with a constant or another column, BETWEEN, IN lists,
/// IS [NOT] NULL, and AND / OR / NOT of those. In a domain CHECK the column is named <c>VALUE</c>.</summary>
public abstract record CheckPredicate
{
    /// <summary>Every column the predicate mentions.</summary>
    public abstract IEnumerable<string> Columns();
}

public enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge }

public static class CompareOps
{
    /// <summary>The operator with its operands swapped: <c>a &lt; b</c> is <c>b &gt; a</c>.</summary>
    public static CompareOp Flip(CompareOp op) => op switch
    {
        CompareOp.Lt => CompareOp.Gt,
        CompareOp.Le => CompareOp.Ge,
        CompareOp.Gt => CompareOp.Lt,
        CompareOp.Ge => CompareOp.Le,
        _ => op,
    };
}

/// <summary>A constant in a CHECK: a number, a string, a boolean or NULL, as parsed.</summary>
public abstract record CheckValue;
public sealed record NumberValue(decimal Value) : CheckValue;
public sealed record StringValue(string Value) : CheckValue;
public sealed record BoolValue(bool Value) : CheckValue;
public sealed record NullValue : CheckValue;

/// <summary>An operand: a column, length(column) / char_length(column), or a constant.</summary>
public abstract record CheckOperand;
public sealed record ColumnOperand(string Column) : CheckOperand;
public sealed record LengthOperand(string Column) : CheckOperand;
public sealed record ConstOperand(CheckValue Value) : CheckOperand;

public sealed record ComparePredicate(CheckOperand Left, CompareOp Op, CheckOperand Right) : CheckPredicate
{
    public override IEnumerable<string> Columns() => Cols(Left).Concat(Cols(Right));
    internal static IEnumerable<string> Cols(CheckOperand o) => o switch
    {
        ColumnOperand c => [c.Column],
        LengthOperand l => [l.Column],
        _ => [],
    };
}

public sealed record BetweenPredicate(CheckOperand Operand, CheckOperand Low, CheckOperand High, bool Negated) : CheckPredicate
{
    public override IEnumerable<string> Columns() =>
        ComparePredicate.Cols(Operand).Concat(ComparePredicate.Cols(Low)).Concat(ComparePredicate.Cols(High));
}

public sealed record InPredicate(CheckOperand Operand, IReadOnlyList<CheckValue> Values, bool Negated) : CheckPredicate
{
    public override IEnumerable<string> Columns() => ComparePredicate.Cols(Operand);
}

public sealed record IsNullPredicate(string Column, bool Negated) : CheckPredicate
{
    public override IEnumerable<string> Columns() => [Column];
}

public sealed record AndPredicate(IReadOnlyList<CheckPredicate> Terms) : CheckPredicate
{
    public override IEnumerable<string> Columns() => Terms.SelectMany(t => t.Columns());
}

public sealed record OrPredicate(IReadOnlyList<CheckPredicate> Terms) : CheckPredicate
{
    public override IEnumerable<string> Columns() => Terms.SelectMany(t => t.Columns());
}

public sealed record NotPredicate(CheckPredicate Inner) : CheckPredicate
{
    public override IEnumerable<string> Columns() => Inner.Columns();
}
