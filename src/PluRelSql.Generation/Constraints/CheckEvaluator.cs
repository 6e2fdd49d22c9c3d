using PluRelSql.Schema;

namespace PluRelSql.Generation.Constraints;

/// <summary>Turns CHECK constants into <see cref="Scalar"/>s the way a given column would compare with them.</summary>
internal sealed class ColumnCodec
{
    public ColumnCodec(ColumnDef column, EnumType? enumType)
    {
        Column = column;
        Kind = column.Type.IsArray ? TypeKind.Other : column.Type.Kind;
        EnumType = enumType;
    }

    public ColumnDef Column { get; }
    public TypeKind Kind { get; }
    public EnumType? EnumType { get; }

    public Scalar Constant(CheckValue value)
    {
        switch (value)
        {
            case NullValue: return Scalar.Null;
            case BoolValue b: return Scalar.Bool(b.Value);
            case NumberValue n:
                return TypeTable.Of(Kind).IsCharacter
                    ? Scalar.String(n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    : Scalar.Number((double)n.Value);
            case StringValue s:
                if (Kind == TypeKind.Enum && EnumType is { } e)
                {
                    var i = e.Labels.IndexOf(s.Value);
                    return Scalar.Number(i);
                }
                if (Kind == TypeKind.Boolean)
                    return s.Value.Trim().ToLowerInvariant() is "t" or "true" or "y" or "yes" or "on" or "1"
                        ? Scalar.Bool(true) : Scalar.Bool(false);
                if (Literals.IsOrdinal(Kind) && Literals.TryOrdinal(Kind, s.Value, out var o)) return Scalar.Number(o);
                return Scalar.String(s.Value);
            default: return Scalar.Null;
        }
    }
}

/// <summary>A compiled CHECK over one row, with SQL three-valued logic.</summary>
internal abstract class CheckNode
{
    public const byte False = 0, True = 1, Unknown = 2;

    /// <summary>Scalars of the table's loaded columns by position (only the referenced positions need be filled).</summary>
    public abstract byte Eval(Scalar[] row);

    public static byte Not(byte v) => v == Unknown ? Unknown : (byte)(1 - v);

    public static byte FromCompare(int? c, CompareOp op) => c is not { } x ? Unknown : op switch
    {
        CompareOp.Eq => x == 0 ? True : False,
        CompareOp.Ne => x != 0 ? True : False,
        CompareOp.Lt => x < 0 ? True : False,
        CompareOp.Le => x <= 0 ? True : False,
        CompareOp.Gt => x > 0 ? True : False,
        _ => x >= 0 ? True : False,
    };
}

/// <summary>Compiles <see cref="CheckPredicate"/>s against a table's loaded columns.</summary>
internal sealed class CheckCompiler
{
    private readonly Func<string, int> _index;
    private readonly Func<int, ColumnCodec> _codec;

    /// <param name="index">Loaded-column position of a column name, or -1 when it is not loaded.</param>
    public CheckCompiler(Func<string, int> index, Func<int, ColumnCodec> codec)
    {
        _index = index;
        _codec = codec;
    }

    /// <summary>Null when the predicate mentions a column that is not generated (it cannot be checked here).</summary>
    public CheckNode? Compile(CheckPredicate p)
    {
        foreach (var c in p.Columns())
            if (_index(c) < 0) return null;
        return Build(p);
    }

    private CheckNode Build(CheckPredicate p) => p switch
    {
        AndPredicate a => new AndNode(a.Terms.Select(Build).ToArray()),
        OrPredicate o => new OrNode(o.Terms.Select(Build).ToArray()),
        NotPredicate n => new NotNode(Build(n.Inner)),
        IsNullPredicate i => new IsNullNode(_index(i.Column), i.Negated),
        ComparePredicate c => new CompareNode(Operand(c.Left, c.Right), c.Op, Operand(c.Right, c.Left)),
        BetweenPredicate b => Between(b),
        InPredicate i => new InNode(Operand(i.Operand, null),
            i.Values.Select(v => Operand(new ConstOperand(v), i.Operand).Const).ToArray(), i.Negated),
        LikePredicate l => new LikeNode(_index(l.Column), l.Pattern, l.Negated),
        _ => throw new NotSupportedException($"CHECK form {p.GetType().Name} is not supported"),
    };

    private CheckNode Between(BetweenPredicate b)
    {
        var x = Operand(b.Operand, b.Low is ConstOperand ? b.High : b.Low);
        var node = new AndNode([
            new CompareNode(x, CompareOp.Ge, Operand(b.Low, b.Operand)),
            new CompareNode(x, CompareOp.Le, Operand(b.High, b.Operand)),
        ]);
        return b.Negated ? new NotNode(node) : node;
    }

    /// <summary>An operand; a constant is converted as the other side's column would read it.</summary>
    private OperandRef Operand(CheckOperand o, CheckOperand? other) => o switch
    {
        ColumnOperand c => new OperandRef(_index(c.Column), false, default),
        LengthOperand l => new OperandRef(_index(l.Column), true, default),
        ConstOperand k => new OperandRef(-1, false, other switch
        {
            ColumnOperand oc => _codec(_index(oc.Column)).Constant(k.Value),
            LengthOperand => k.Value is NumberValue n ? Scalar.Number((double)n.Value) : Scalar.Null,
            _ => k.Value switch
            {
                NumberValue n => Scalar.Number((double)n.Value),
                StringValue s => Scalar.String(s.Value),
                BoolValue bv => Scalar.Bool(bv.Value),
                _ => Scalar.Null,
            },
        }),
        _ => throw new NotSupportedException(o.GetType().Name),
    };

    internal readonly record struct OperandRef(int Column, bool Length, Scalar Const)
    {
        public Scalar Get(Scalar[] row)
        {
            if (Column < 0) return Const;
            var v = row[Column];
            if (!Length) return v;
            return v.Kind == Scalar.StrKind ? Scalar.Number(v.Str!.TrimEnd(' ').Length) : Scalar.Null;
        }
    }

    private sealed class CompareNode(OperandRef left, CompareOp op, OperandRef right) : CheckNode
    {
        public override byte Eval(Scalar[] row) => FromCompare(Scalar.Compare(left.Get(row), right.Get(row)), op);
    }

    private sealed class InNode(OperandRef x, Scalar[] values, bool negated) : CheckNode
    {
        public override byte Eval(Scalar[] row)
        {
            var v = x.Get(row);
            byte r;
            if (v.IsNull) r = Unknown;
            else
            {
                r = False;
                foreach (var c in values)
                {
                    var cmp = Scalar.Compare(v, c);
                    if (cmp == 0) { r = True; break; }
                    if (cmp is null) r = Unknown;
                }
            }
            return negated ? Not(r) : r;
        }
    }

    private sealed class LikeNode(int column, LikePattern pattern, bool negated) : CheckNode
    {
        public override byte Eval(Scalar[] row)
        {
            var v = row[column];
            if (v.IsNull || v.Kind != Scalar.StrKind) return Unknown;
            // char(n) values compare without their padding, in both dialects.
            var r = pattern.IsMatch(v.Str!.TrimEnd(' ')) ? True : False;
            return negated ? Not(r) : r;
        }
    }

    private sealed class IsNullNode(int column, bool negated) : CheckNode
    {
        public override byte Eval(Scalar[] row) => row[column].IsNull != negated ? True : False;
    }

    private sealed class NotNode(CheckNode inner) : CheckNode
    {
        public override byte Eval(Scalar[] row) => Not(inner.Eval(row));
    }

    private sealed class AndNode(CheckNode[] terms) : CheckNode
    {
        public override byte Eval(Scalar[] row)
        {
            var r = True;
            foreach (var t in terms)
            {
                var v = t.Eval(row);
                if (v == False) return False;
                if (v == Unknown) r = Unknown;
            }
            return r;
        }
    }

    private sealed class OrNode(CheckNode[] terms) : CheckNode
    {
        public override byte Eval(Scalar[] row)
        {
            var r = False;
            foreach (var t in terms)
            {
                var v = t.Eval(row);
                if (v == True) return True;
                if (v == Unknown) r = Unknown;
            }
            return r;
        }
    }
}

/// <summary>What simple conjunctive CHECK terms say about one column: bounds on its ordinal, an allowed set, length
/// limits. Generators draw inside these by construction; anything else is left to evaluate-and-retry.</summary>
internal sealed class ColumnRules
{
    public double Lo = double.NegativeInfinity, Hi = double.PositiveInfinity;
    public bool LoStrict, HiStrict;
    public List<CheckValue>? In;
    public List<CheckValue> NotIn { get; } = [];
    public int MinLen;
    public int MaxLen = int.MaxValue;
    public bool NotNull;
    /// <summary>The value must match one of these LIKE patterns (a LIKE term, or an OR of LIKEs and IN lists over
    /// the column, such as pubs' <c>pub_id IN ('1389', …) OR pub_id LIKE '99[0-9][0-9]'</c>).</summary>
    public List<LikePattern>? Patterns;

    public bool HasBounds => !double.IsNegativeInfinity(Lo) || !double.IsPositiveInfinity(Hi);

    public void Lower(double v, bool strict)
    {
        if (v > Lo || (v == Lo && strict)) { Lo = v; LoStrict = strict; }
    }

    public void Upper(double v, bool strict)
    {
        if (v < Hi || (v == Hi && strict)) { Hi = v; HiStrict = strict; }
    }

    /// <summary>Rules for every column from the table's and the columns' domains' parsed CHECKs.</summary>
    public static Dictionary<string, ColumnRules> Derive(IEnumerable<CheckPredicate> predicates, Func<string, ColumnCodec?> codec)
    {
        var rules = new Dictionary<string, ColumnRules>(StringComparer.Ordinal);
        ColumnRules For(string c) => rules.TryGetValue(c, out var r) ? r : rules[c] = new ColumnRules();
        foreach (var p in predicates)
            foreach (var term in Conjuncts(p))
                Apply(term, For, codec);
        return rules;
    }

    public static IEnumerable<CheckPredicate> Conjuncts(CheckPredicate p)
    {
        if (p is AndPredicate a)
        {
            foreach (var t in a.Terms)
                foreach (var x in Conjuncts(t)) yield return x;
        }
        else yield return p;
    }

    private static void Apply(CheckPredicate term, Func<string, ColumnRules> rulesOf, Func<string, ColumnCodec?> codecOf)
    {
        switch (term)
        {
            case IsNullPredicate { Negated: true } nn:
                rulesOf(nn.Column).NotNull = true;
                break;
            case ComparePredicate c when c.Right is ConstOperand k:
                Compare(c.Left, c.Op, k.Value, rulesOf, codecOf);
                break;
            case ComparePredicate c when c.Left is ConstOperand k:
                Compare(c.Right, CompareOps.Flip(c.Op), k.Value, rulesOf, codecOf);
                break;
            case BetweenPredicate { Negated: false } b:
                // A column bound (x BETWEEN a AND 10) is drawn by construction; the constant side is a rule.
                if (b.Low is ConstOperand lo) Compare(b.Operand, CompareOp.Ge, lo.Value, rulesOf, codecOf);
                if (b.High is ConstOperand hi) Compare(b.Operand, CompareOp.Le, hi.Value, rulesOf, codecOf);
                break;
            case LikePredicate { Negated: false } like:
                rulesOf(like.Column).Patterns ??= [like.Pattern];
                break;
            case OrPredicate either when Alternatives(either) is { } alt:
                rulesOf(alt.Column).Patterns ??= alt.Patterns;
                break;
            case InPredicate { Operand: ColumnOperand col } i:
                var r = rulesOf(col.Column);
                if (i.Negated) r.NotIn.AddRange(i.Values);
                else
                {
                    var values = i.Values.Where(v => v is not NullValue).ToList();
                    r.In = r.In is null ? values : r.In.Where(x => values.Contains(x)).ToList();
                }
                break;
        }
    }

    /// <summary>An OR whose terms each pin one column to a pattern or to constants, as patterns; null otherwise.</summary>
    private static (string Column, List<LikePattern> Patterns)? Alternatives(OrPredicate or)
    {
        string? column = null;
        var patterns = new List<LikePattern>();
        bool Same(string c) => (column ??= c) == c;
        foreach (var term in or.Terms)
        {
            switch (term)
            {
                case LikePredicate { Negated: false } l when Same(l.Column):
                    patterns.Add(l.Pattern);
                    break;
                case InPredicate { Negated: false, Operand: ColumnOperand c } i when Same(c.Column):
                    foreach (var v in i.Values)
                        if (Text(v) is { } text) patterns.Add(Literal(text));
                    break;
                case IsNullPredicate { Negated: false } n when Same(n.Column):
                    break; // NULL is allowed besides the patterns; the null rate decides how often
                case ComparePredicate { Op: CompareOp.Eq, Left: ColumnOperand c, Right: ConstOperand k } when Same(c.Column) && Text(k.Value) is { } text:
                    patterns.Add(Literal(text));
                    break;
                default:
                    return null;
            }
        }
        return column is null || patterns.Count == 0 ? null : (column, patterns);

        static string? Text(CheckValue v) => v switch
        {
            StringValue s => s.Value,
            NumberValue n => n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };

        static LikePattern Literal(string s) => new(s.Select(ch => (PatternElement)new PatternChar(ch)).ToList());
    }

    private static void Compare(CheckOperand operand, CompareOp op, CheckValue value, Func<string, ColumnRules> rulesOf,
        Func<string, ColumnCodec?> codecOf)
    {
        if (operand is LengthOperand l && value is NumberValue n)
        {
            var r = rulesOf(l.Column);
            var v = (double)n.Value;
            switch (op)
            {
                case CompareOp.Eq: r.MinLen = Math.Max(r.MinLen, (int)Math.Ceiling(v)); r.MaxLen = Math.Min(r.MaxLen, (int)Math.Floor(v)); break;
                case CompareOp.Gt: r.MinLen = Math.Max(r.MinLen, (int)Math.Floor(v) + 1); break;
                case CompareOp.Ge: r.MinLen = Math.Max(r.MinLen, (int)Math.Ceiling(v)); break;
                case CompareOp.Lt: r.MaxLen = Math.Min(r.MaxLen, (int)Math.Ceiling(v) - 1); break;
                case CompareOp.Le: r.MaxLen = Math.Min(r.MaxLen, (int)Math.Floor(v)); break;
                case CompareOp.Ne when v == 0: r.MinLen = Math.Max(r.MinLen, 1); break;
            }
            return;
        }
        if (operand is not ColumnOperand col || codecOf(col.Column) is not { } codec) return;
        var rules = rulesOf(col.Column);
        if (value is StringValue { Value: "" } && op == CompareOp.Ne && !Literals.IsOrdinal(codec.Kind))
        {
            rules.MinLen = Math.Max(rules.MinLen, 1);
            return;
        }
        if (op == CompareOp.Ne) { rules.NotIn.Add(value); return; }
        if (op == CompareOp.Eq)
        {
            rules.In = rules.In is null ? [value] : rules.In.Where(x => x.Equals(value)).ToList();
            return;
        }
        var s = codec.Constant(value);
        if (s.Kind != Scalar.NumKind || codec.Kind == TypeKind.Enum || codec.Kind == TypeKind.Boolean) return;
        switch (op)
        {
            case CompareOp.Gt: rules.Lower(s.Num, true); break;
            case CompareOp.Ge: rules.Lower(s.Num, false); break;
            case CompareOp.Lt: rules.Upper(s.Num, true); break;
            case CompareOp.Le: rules.Upper(s.Num, false); break;
        }
    }

    /// <summary>Rewrites a domain CHECK over VALUE into one over <paramref name="column"/>.</summary>
    public static CheckPredicate ForColumn(CheckPredicate p, string column)
    {
        string N(string c) => c.Equals("VALUE", StringComparison.OrdinalIgnoreCase) ? column : c;
        CheckOperand O(CheckOperand o) => o switch
        {
            ColumnOperand c => new ColumnOperand(N(c.Column)),
            LengthOperand l => new LengthOperand(N(l.Column)),
            _ => o,
        };
        return p switch
        {
            ComparePredicate c => new ComparePredicate(O(c.Left), c.Op, O(c.Right)),
            BetweenPredicate b => new BetweenPredicate(O(b.Operand), O(b.Low), O(b.High), b.Negated),
            InPredicate i => new InPredicate(O(i.Operand), i.Values, i.Negated),
            IsNullPredicate n => new IsNullPredicate(N(n.Column), n.Negated),
            LikePredicate l => l with { Column = N(l.Column) },
            AndPredicate a => new AndPredicate(a.Terms.Select(t => ForColumn(t, column)).ToList()),
            OrPredicate o => new OrPredicate(o.Terms.Select(t => ForColumn(t, column)).ToList()),
            NotPredicate n => new NotPredicate(ForColumn(n.Inner, column)),
            _ => p,
        };
    }
}
