using System.Globalization;

namespace PluRelSql.Schema.Tests;

/// <summary>A compact canonical rendering of a CHECK predicate for assertions (records holding lists do not
/// compare by content).</summary>
internal static class PredicateText
{
    public static string Show(CheckPredicate? p) => p switch
    {
        null => "null",
        ComparePredicate c => $"{Show(c.Left)} {Op(c.Op)} {Show(c.Right)}",
        BetweenPredicate b => $"{Show(b.Operand)} {(b.Negated ? "not between" : "between")} {Show(b.Low)} and {Show(b.High)}",
        InPredicate i => $"{Show(i.Operand)} {(i.Negated ? "not in" : "in")} ({string.Join(", ", i.Values.Select(Show))})",
        IsNullPredicate n => $"{n.Column} is {(n.Negated ? "not null" : "null")}",
        AndPredicate a => $"and({string.Join(", ", a.Terms.Select(Show))})",
        OrPredicate o => $"or({string.Join(", ", o.Terms.Select(Show))})",
        NotPredicate n => $"not({Show(n.Inner)})",
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    private static string Show(CheckOperand o) => o switch
    {
        ColumnOperand c => c.Column,
        LengthOperand l => $"length({l.Column})",
        ConstOperand k => Show(k.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    private static string Show(CheckValue v) => v switch
    {
        NumberValue n => n.Value.ToString(CultureInfo.InvariantCulture),
        StringValue s => "'" + s.Value + "'",
        BoolValue b => b.Value ? "true" : "false",
        NullValue => "NULL",
        _ => throw new ArgumentOutOfRangeException(nameof(v)),
    };

    private static string Op(CompareOp op) => op switch
    {
        CompareOp.Eq => "=",
        CompareOp.Ne => "<>",
        CompareOp.Lt => "<",
        CompareOp.Le => "<=",
        CompareOp.Gt => ">",
        _ => ">=",
    };
}
