using System.Globalization;
using System.Numerics;
using System.Text;
using PluRelSql.Core;
using PluRelSql.Generation.Constraints;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Values;

/// <summary>Everything needed to build one column's generator.</summary>
internal sealed class ColumnContext
{
    public required TableDef Table { get; init; }
    public required ColumnDef Column { get; init; }
    public required SqlType Type { get; init; }
    public required int Position { get; init; }
    public required ColumnRules Rules { get; init; }
    public EnumType? Enum { get; init; }
    public required CounterRng Rng { get; init; }
    public required long Rows { get; init; }
    /// <summary>Set on the partition key column of a partitioned table.</summary>
    public PartitionRoute? Route { get; init; }
    /// <summary>First value of a sequence-like integer column (serial, identity, integer PK).</summary>
    public long SequenceStart { get; init; } = 1;
    public long SequenceIncrement { get; init; } = 1;
    /// <summary>The column alone is a key: when too few values follow its preferred start, it may use its whole range.</summary>
    public bool WholeRange { get; init; }
    /// <summary>Where dates and timestamps are drawn (GenerationOptions.TimeRange).</summary>
    public TimeRange TimeRange { get; init; } = TimeRange.Default;
    /// <summary>Set on a table's event column (EventTimes): its draws grow with the row and/or follow its parents'.</summary>
    public EventTime? Event { get; set; }

    /// <summary>The CHECK that bounds the column (or the column itself) in the schema file, when known.</summary>
    public SourcePosition? Source { get; init; }

    public string Where => $"{Table.Name}.{Column.Name}";

    /// <summary>What the column's values mean (ColumnSemantics.Classify, once per column): picks the value maker.</summary>
    public ColumnMeaning Meaning { get; init; } = new(SemanticKind.Other, "none");

    /// <summary>The Bogus locale of names, addresses, phones and words.</summary>
    public string Locale { get; init; } = Locales.Default;

    /// <summary>The table's person and address entities (consistent parts within a row); null in bare contexts.</summary>
    public RowEntities? Entities { get; init; }

    /// <summary>A schema the generator cannot satisfy: bad input (exit 2), pointing at the CHECK or column.</summary>
    public SchemaException Fail(string reason) => new($"{Where}: {reason}", Source);
}

/// <summary>Partitions of a partitioned table as seen by its partition key: row % Count picks the partition.</summary>
internal sealed class PartitionRoute
{
    public required IReadOnlyList<QualifiedName> Partitions { get; init; }
    /// <summary>RANGE: [From, To) ordinals per partition (±∞ for MINVALUE/MAXVALUE); null for LIST.</summary>
    public (double From, double To)[]? Ranges { get; init; }
    /// <summary>LIST: the values (unquoted literals) per partition.</summary>
    public string[][]? Lists { get; init; }

    public int Count => Partitions.Count;
}

/// <summary>Where an ordinal column's values lie, in units of <paramref name="Step"/>: [Lo, Hi] is what the type and
/// its CHECK bounds allow, [HintLo, HintHi] what its name suggests (draws prefer it).</summary>
internal sealed record OrdinalSpace(double Step, long Lo, long Hi, long HintLo, long HintHi);

internal enum SlotMode { Free, Keyed, Sequence, Foreign, Null }

internal static class ColumnFactory
{
    public static bool CanGenerate(SqlType type) => ExtensionValues.CanGenerate(type);

    public static ColumnSlot Free(ColumnContext ctx) => Build(ctx, SlotMode.Free, null, 0, null, null);

    public static ColumnSlot Null(ColumnContext ctx) => Build(ctx, SlotMode.Null, null, 0, null, null);

    public static ColumnSlot Sequence(ColumnContext ctx) => Build(ctx, SlotMode.Sequence, null, 0, null, null);

    public static ColumnSlot Keyed(ColumnContext ctx, KeyLayout layout, int digit) => Build(ctx, SlotMode.Keyed, layout, digit, null, null);

    public static ColumnSlot Foreign(ColumnContext ctx, FkLink link, ColumnSlot parent) => Build(ctx, SlotMode.Foreign, null, 0, link, parent);

    /// <summary>How many distinct values the column can take as a key digit (0 when it cannot be unique).</summary>
    public static long UniqueDomain(ColumnContext ctx) => ctx.Type.IsArray || !CanGenerate(ctx.Type) ? 0 : Spec(ctx).IndexedDomain();

    /// <summary>The units a plain ordinal column may take (type ∩ CHECK bounds) and the name hint's units; null for
    /// other kinds, arrays, IN lists and partition keys (whose draws are not one interval).</summary>
    public static OrdinalSpace? Space(ColumnContext ctx) =>
        ctx.Type.IsArray || !Literals.IsOrdinal(ctx.Type.Kind) || ctx.Rules.In is not null || ctx.Route is not null ? null : Spec(ctx).Space();

    private static ColumnSlot Build(ColumnContext ctx, SlotMode mode, KeyLayout? layout, int digit, FkLink? link, ColumnSlot? parent)
    {
        if (mode == SlotMode.Null)
        {
            // All NULL, but in the column's own representation so sinks see the usual vector type.
            var slot = !CanGenerate(ctx.Type)
                ? new ColumnSlot<string>(ctx.Column, ctx.Position, new PickGen<string>(ctx.Rng, [""]), new StringCodec())
                : ctx.Type.IsArray ? Spec(ctx).Array(ctx) : Spec(ctx).Free(ctx);
            slot.Nulls = AlwaysNullGate.Instance;
            return slot;
        }
        if (!CanGenerate(ctx.Type))
            throw new NotSupportedException($"{ctx.Where}: type {ctx.Type} cannot be generated");
        var spec = Spec(ctx);
        if (ctx.Type.IsArray)
        {
            if (mode == SlotMode.Foreign) throw new NotSupportedException($"{ctx.Where}: foreign keys over array columns cannot be generated");
            if (mode != SlotMode.Free) throw new NotSupportedException($"{ctx.Where}: array type {ctx.Type} cannot be a unique key or sequence");
            return spec.Array(ctx);
        }
        return mode switch
        {
            SlotMode.Free => spec.Free(ctx),
            SlotMode.Keyed => spec.Keyed(ctx, layout!, digit),
            SlotMode.Sequence => spec.Sequence(ctx),
            _ => spec.Foreign(ctx, link!, parent!),
        };
    }

    // ---- per-kind specs ----

    private abstract class KindSpec
    {
        public abstract ColumnSlot Free(ColumnContext ctx);
        public abstract ColumnSlot Array(ColumnContext ctx);
        public abstract ColumnSlot Keyed(ColumnContext ctx, KeyLayout layout, int digit);
        public abstract ColumnSlot Sequence(ColumnContext ctx);
        public abstract ColumnSlot Foreign(ColumnContext ctx, FkLink link, ColumnSlot parent);
        public abstract long IndexedDomain();
        public virtual OrdinalSpace? Space() => null;
    }

    private sealed class KindSpec<T>(Codec<T> codec, Func<ValueGen<T>> free, Func<IndexedGen<T>?> indexed, Func<OrdinalSpace>? space = null) : KindSpec
    {
        public override OrdinalSpace? Space() => space?.Invoke();

        public override ColumnSlot Free(ColumnContext c) => new ColumnSlot<T>(c.Column, c.Position, free(), codec);

        public override ColumnSlot Array(ColumnContext c) =>
            new ColumnSlot<T[]>(c.Column, c.Position, new ArrayGen<T>(c.Rng.Derive(77), free()), new OpaqueCodec<T[]>());

        public override ColumnSlot Keyed(ColumnContext c, KeyLayout layout, int digit)
        {
            var map = indexed() ?? throw new NotSupportedException($"{c.Where}: type {c.Type} cannot hold unique values");
            return new ColumnSlot<T>(c.Column, c.Position, new KeyedGen<T>(map, layout, digit), codec);
        }

        public override ColumnSlot Sequence(ColumnContext c)
        {
            if (!codec.IsOrdinal || !c.Type.IsInteger) return Free(c);
            return new ColumnSlot<T>(c.Column, c.Position, new SequenceGen<T>(codec, c.SequenceStart, c.SequenceIncrement), codec);
        }

        public override ColumnSlot Foreign(ColumnContext c, FkLink link, ColumnSlot parent)
        {
            ValueGen<T> gen = parent is ColumnSlot<T> typed
                ? new ForeignGen<T>(link, typed.Gen)
                : new ConvertingForeignGen<T>(link, parent, Converter<T>(c));
            return new ColumnSlot<T>(c.Column, c.Position, gen, codec);
        }

        public override long IndexedDomain() => indexed()?.Domain ?? 0;
    }

    private static Func<object, T> Converter<T>(ColumnContext c)
    {
        if (typeof(T) == typeof(string))
            return o => (T)(object)(o switch
            {
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => o.ToString() ?? "",
            });
        return o => o is T t ? t : (T)Convert.ChangeType(o, typeof(T), CultureInfo.InvariantCulture);
    }

    private static KindSpec Spec(ColumnContext ctx)
    {
        var t = ctx.Type.ElementType;
        return t.Kind switch
        {
            TypeKind.SmallInt => Ordinal(ctx, new IntCodec<short>(), short.MinValue, short.MaxValue),
            TypeKind.Integer => Ordinal(ctx, new IntCodec<int>(), int.MinValue, int.MaxValue),
            TypeKind.BigInt => Ordinal(ctx, new IntCodec<long>(), -4e18, 4e18),
            TypeKind.Numeric => NumericSpec(ctx, t),
            TypeKind.Money => Ordinal(ctx, new DecimalCodec(2), -9e13, 9e13),
            TypeKind.Real => Ordinal(ctx, new FloatCodec(), -1e15, 1e15),
            TypeKind.Double => Ordinal(ctx, new DoubleCodec(), -1e15, 1e15),
            TypeKind.Date => Ordinal(ctx, new DateCodec(), Literals.Seconds(new DateOnly(1, 1, 1)), Literals.Seconds(new DateOnly(9999, 12, 31))),
            TypeKind.Timestamp => Ordinal(ctx, new TimestampCodec(DateTimeKind.Unspecified), Literals.Seconds(new DateTime(1, 1, 2)), Literals.Seconds(new DateTime(9999, 12, 30))),
            TypeKind.TimestampTz => Ordinal(ctx, new TimestampCodec(DateTimeKind.Utc), Literals.Seconds(new DateTime(1, 1, 2)), Literals.Seconds(new DateTime(9999, 12, 30))),
            TypeKind.Time => Ordinal(ctx, new TimeCodec(), 0, 86399),
            TypeKind.TimeTz => Ordinal(ctx, new TimeTzCodec(), 0, 86399),
            TypeKind.Interval => Ordinal(ctx, new IntervalCodec(), -100.0 * 365 * 86400, 100.0 * 365 * 86400),
            TypeKind.Boolean => BoolSpec(ctx),
            TypeKind.Uuid => Uuids.IsV7Default(ctx.Column.Default)
                ? new KindSpec<Guid>(new GuidCodec(), () => new GuidV7Gen(ctx.Rng), () => new GuidV7Indexed(ctx.Rng))
                : new KindSpec<Guid>(new GuidCodec(), () => new GuidGen(ctx.Rng), () => new GuidIndexed(ctx.Rng)),
            TypeKind.Other => ExtensionSpec(ctx),
            TypeKind.Bytea => new KindSpec<byte[]>(new OpaqueCodec<byte[]>(), () => new PoolGen<byte[]>(ctx.Rng, 1024, i =>
            {
                var n = 4 + (int)ctx.Rng.Derive(9).Below(i, 13);
                var b = new byte[n];
                for (var j = 0; j < n; j++) b[j] = (byte)ctx.Rng.Derive(10).Bits(i, (ulong)j);
                return b;
            }), () => new BytesIndexed(ctx.Rng)),
            TypeKind.Enum => EnumSpec(ctx),
            _ => TextSpec(ctx, t),
        };
    }

    private static KindSpec NumericSpec(ColumnContext ctx, SqlType t)
    {
        var scale = t.Scale ?? (t.Precision is null ? 2 : 0);
        var max = t.Precision is { } p ? Math.Pow(10, p - scale) - Math.Pow(10, -scale) : 1e15;
        return Ordinal(ctx, new DecimalCodec(scale), -Math.Min(max, 9e15), Math.Min(max, 9e15));
    }

    /// <summary>The suggested interval and shape of a number by its meaning (null: the name fallbacks below).</summary>
    private static (double Lo, double Hi, Shape Shape)? NumberPlan(ColumnContext ctx, double typeHi) =>
        NumberShapes.For(ctx.Meaning.Kind, ctx.Meaning.Unit, ctx.Type.ElementType, typeHi, ctx.Rules.Hi);

    private static (double Lo, double Hi) Hint(ColumnContext ctx, TypeKind kind, double typeHi = double.PositiveInfinity)
    {
        double Sec(int y, int m, int d) => Literals.Seconds(new DateOnly(y, m, d));
        switch (kind)
        {
            case TypeKind.Date or TypeKind.Timestamp or TypeKind.TimestampTz:
            {
                // Inside the time range (--time-range); birth dates are adults', 18 to 80 years before its end.
                var (from, to) = (ctx.TimeRange.From, ctx.TimeRange.To);
                if (IsBirthDate(ctx)) (from, to) = (SafeAddYears(to, -80), SafeAddYears(to, -18));
                return (Sec(from.Year, from.Month, from.Day), Sec(to.Year, to.Month, to.Day) + (kind == TypeKind.Date ? 0 : 86399));
            }
            case TypeKind.Time or TypeKind.TimeTz: return (0, 86399);
            case TypeKind.Interval: return (0, 30 * 86400);
        }
        // What the column means (ColumnSemantics.Classify: names, types, CHECKs, comments) picks the interval.
        if (NumberPlan(ctx, typeHi) is { } plan) return (plan.Lo, plan.Hi);
        return kind switch
        {
            TypeKind.SmallInt => (1, 1000),
            TypeKind.Integer or TypeKind.BigInt => (1, 100000),
            _ => (0, 1000),
        };
    }

    private static bool IsBirthDate(ColumnContext ctx) => ctx.Meaning.Kind == SemanticKind.BirthDate;

    private static DateOnly SafeAddYears(DateOnly d, int years) =>
        d.Year + years < 1 ? DateOnly.MinValue : d.Year + years > 9999 ? DateOnly.MaxValue : d.AddYears(years);

    /// <summary>The draw range in units: type range ∩ CHECK bounds ∩ partition range, then narrowed to the
    /// column-name hint when that still leaves something.</summary>
    private static UnitRange Range(ColumnContext ctx, double step, double typeLo, double typeHi, (double From, double To)? part)
    {
        var r = ctx.Rules;
        var lo = Math.Max(typeLo, r.LoStrict ? r.Lo + step : r.Lo);
        var hi = Math.Min(typeHi, r.HiStrict ? r.Hi - step : r.Hi);
        if (part is { } p)
        {
            lo = Math.Max(lo, p.From);
            hi = Math.Min(hi, p.To - step);
        }
        var (hLo, hHi) = Hint(ctx, ctx.Type.Kind, typeHi);
        double a, b;
        if (Math.Max(lo, hLo) <= Math.Min(hi, hHi) && Units(Math.Max(lo, hLo), step, true) <= Units(Math.Min(hi, hHi), step, false))
            (a, b) = (Math.Max(lo, hLo), Math.Min(hi, hHi));
        else if (!double.IsInfinity(lo) && !double.IsInfinity(hi)) (a, b) = (lo, hi);
        else if (!double.IsInfinity(lo)) (a, b) = (lo, Math.Min(hi, lo + (hHi - hLo)));
        else (a, b) = (Math.Max(lo, hi - (hHi - hLo)), hi);
        var ua = Units(a, step, true);
        var ub = Units(b, step, false);
        if (ua > ub)
            throw ctx.Fail($"the CHECK / partition bounds leave no {ctx.Type} value (between {Show(lo)} and {Show(hi)})");
        var count = (double)ub - ua + 1 > 4e18 ? (long)4e18 : ub - ua + 1;
        return new UnitRange(ua, count);
    }

    private static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static long Units(double ordinal, double step, bool ceiling)
    {
        var u = ordinal / step;
        u = ceiling ? Math.Ceiling(u - 1e-9) : Math.Floor(u + 1e-9);
        return (long)Math.Clamp(u, -4e18, 4e18);
    }

    private static IEnumerable<double> OrdinalsOf(ColumnContext ctx, ColumnCodec codec, IEnumerable<CheckValue> values) =>
        values.Select(codec.Constant).Where(s => s.Kind == Scalar.NumKind).Select(s => s.Num);

    private static KindSpec Ordinal<T>(ColumnContext ctx, Codec<T> codec, double typeLo, double typeHi)
    {
        var colCodec = new ColumnCodec(ctx.Column, null);
        T[]? Allowed(IEnumerable<double> ordinals)
        {
            var notIn = OrdinalsOf(ctx, colCodec, ctx.Rules.NotIn).ToHashSet();
            var vals = ordinals.Where(o => !notIn.Contains(o) && o >= typeLo && o <= typeHi)
                .Select(o => codec.TryFromOrdinal(o, out var v) ? (true, v) : (false, default!))
                .Where(x => x.Item1).Select(x => x.Item2).Distinct().ToArray();
            return vals;
        }

        ValueGen<T> Free()
        {
            if (ctx.Rules.In is { } inList)
            {
                var set = Allowed(OrdinalsOf(ctx, colCodec, inList))!;
                if (set.Length == 0) throw ctx.Fail($"CHECK allows no {ctx.Type} value");
                return new PickGen<T>(ctx.Rng, set);
            }
            if (ctx.Route is { Lists: { } lists })
            {
                var sets = lists.Select(l => Allowed(l.Select(x => Literals.TryOrdinal(ctx.Type.Kind, x, out var o) ? o : double.NaN).Where(o => !double.IsNaN(o)))!).ToArray();
                if (sets.Any(s => s.Length == 0)) throw ctx.Fail("a LIST partition has no usable value");
                return new PickGen<T>(ctx.Rng, sets);
            }
            if (ctx.Route is { Ranges: { } ranges })
                return new RangeGen<T>(codec, ctx.Rng, ranges.Select(p => Range(ctx, codec.Step, typeLo, typeHi, p)).ToArray());
            var range = Range(ctx, codec.Step, typeLo, typeHi, null);
            if (ctx.Event is { } ev && EventTimes.IsCalendar(ctx.Type) && ctx.Route is null)
                return new EventTimeGen<T>(codec, ctx.Rng.Derive(0xE7E7), range, ctx.Rows, ev);
            return NumberPlan(ctx, typeHi) is { Shape: var shape } && shape != Shape.Uniform
                ? new ShapedGen<T>(codec, ctx.Rng, range, shape)
                : new RangeGen<T>(codec, ctx.Rng, [range]);
        }

        IndexedGen<T>? Indexed()
        {
            if (ctx.Rules.In is { } inList) return new SetIndexed<T>(Allowed(OrdinalsOf(ctx, colCodec, inList))!);
            var step = codec.Step;
            var r = ctx.Rules;
            var lo = Math.Max(typeLo, r.LoStrict ? r.Lo + step : r.Lo);
            var hi = Math.Min(typeHi, r.HiStrict ? r.Hi - step : r.Hi);
            var stride = 1L;
            if (ctx.Type.IsInteger)
            {
                // Keys count from the sequence start (1 by default) unless a CHECK forbids it.
                if (Math.Max(lo, ctx.SequenceStart) <= hi) lo = Math.Max(lo, ctx.SequenceStart);
                if (double.IsNegativeInfinity(r.Lo) || lo >= r.Lo) stride = Math.Max(1, ctx.SequenceIncrement);
            }
            else if (double.IsNegativeInfinity(r.Lo))
            {
                var (hLo, hHi) = Hint(ctx, ctx.Type.Kind, typeHi);
                lo = Math.Max(lo, hLo);
                // Unique moments spread over the time range: one second apart from its start would put a whole
                // table (pagila's rental_date) into its first hour.
                if (EventTimes.IsCalendar(ctx.Type) && ctx.Rows > 1 && hHi > lo)
                    stride = Math.Max(1, (long)((hHi - lo) / step / ctx.Rows));
            }
            var uhi = Units(hi, step, false);
            long Domain(long from, long by) => (double)(uhi - from) / by + 1 > 4e18 ? (long)4e18 : (uhi - from) / by + 1;
            var ulo = Units(lo, step, true);
            if (ctx.WholeRange && uhi >= ulo && Domain(ulo, stride) < ctx.Rows)
            {
                // Too few values from the preferred start (1, the sequence start, the name hint): a unique column may
                // use everything its type and CHECK allow (a smallint key holds 65,536 rows, not 32,767).
                var full = Units(Math.Max(typeLo, r.LoStrict ? r.Lo + step : r.Lo), step, true);
                if (full < ulo) (ulo, stride) = (full, 1);
            }
            if (uhi < ulo)
            {
                // No value at all (not merely none past the sequence start): the CHECK contradicts the type.
                if (Units(Math.Max(typeLo, r.LoStrict ? r.Lo + step : r.Lo), step, true) > Units(Math.Min(typeHi, r.HiStrict ? r.Hi - step : r.Hi), step, false))
                    throw ctx.Fail($"the CHECK bounds leave no {ctx.Type} value (between {Show(lo)} and {Show(hi)})");
                return new UnitsIndexed<T>(codec, ulo, 1, 0);
            }
            return new UnitsIndexed<T>(codec, ulo, stride, Domain(ulo, stride));
        }

        OrdinalSpace Space()
        {
            var step = codec.Step;
            var r = ctx.Rules;
            var (hLo, hHi) = Hint(ctx, ctx.Type.Kind, typeHi);
            return new OrdinalSpace(step, Units(Math.Max(typeLo, r.LoStrict ? r.Lo + step : r.Lo), step, true),
                Units(Math.Min(typeHi, r.HiStrict ? r.Hi - step : r.Hi), step, false), Units(hLo, step, true), Units(hHi, step, false));
        }

        return new KindSpec<T>(codec, Free, Indexed, Space);
    }

    /// <summary>An extension type: citext is text (its unique values are lower-case, so they stay unique without case);
    /// the others are their text input forms, drawn per row (free) or as the k-th value (unique).</summary>
    private static KindSpec ExtensionSpec(ColumnContext ctx)
    {
        var name = ExtensionTypes.NameOf(ctx.Type.ElementType) ?? throw new NotSupportedException($"{ctx.Where}: type {ctx.Type} cannot be generated");
        if (name == "citext") return TextSpec(ctx, SqlType.Of(TypeKind.Text));
        var type = ctx.Type.ElementType;
        var free = ExtensionValues.Free(name, type, ctx.Rng);
        var poolRng = ctx.Rng.Derive(0x9003);
        return new KindSpec<string>(new StringCodec(),
            () => new DrawGen<string>(poolRng, free),
            () =>
            {
                var (domain, at) = ExtensionValues.Unique(name, type, ctx.Rng);
                return new TextIndexed(domain, at);
            });
    }

    private static KindSpec BoolSpec(ColumnContext ctx)
    {
        var codec = new ColumnCodec(ctx.Column, null);
        bool[] Allowed()
        {
            IEnumerable<bool> all = [false, true];
            if (ctx.Rules.In is { } inList) all = inList.Select(codec.Constant).Where(s => s.Kind == Scalar.BoolKind).Select(s => s.Num != 0);
            var not = ctx.Rules.NotIn.Select(codec.Constant).Where(s => s.Kind == Scalar.BoolKind).Select(s => s.Num != 0).ToHashSet();
            return all.Where(b => !not.Contains(b)).Distinct().ToArray();
        }
        return new KindSpec<bool>(new BoolCodec(),
            () => ctx.Rules.In is null && ctx.Rules.NotIn.Count == 0 ? new BoolGen(ctx.Rng) : new PickGen<bool>(ctx.Rng, NonEmpty(ctx, Allowed())),
            () => new SetIndexed<bool>(Allowed()));
    }

    private static T[] NonEmpty<T>(ColumnContext ctx, T[] set) =>
        set.Length > 0 ? set : throw ctx.Fail($"CHECK allows no {ctx.Type} value");

    private static string[] AllowedStrings(ColumnContext ctx, IEnumerable<string> candidates)
    {
        var notIn = ctx.Rules.NotIn.OfType<StringValue>().Select(s => s.Value).ToHashSet(StringComparer.Ordinal);
        IEnumerable<string> c = candidates;
        if (ctx.Rules.In is { } inList)
        {
            var allowed = inList.Select(v => v switch
            {
                StringValue s => s.Value,
                NumberValue n => n.Value.ToString(CultureInfo.InvariantCulture),
                BoolValue b => b.Value ? "true" : "false",
                _ => null,
            }).OfType<string>().ToList();
            c = c.Where(allowed.Contains);
        }
        return c.Where(s => !notIn.Contains(s)).Distinct().ToArray();
    }

    private static KindSpec EnumSpec(ColumnContext ctx)
    {
        var labels = ctx.Enum?.Labels ?? throw ctx.Fail($"enum type {ctx.Type.UserType} is not in the schema");
        string[] Allowed() => AllowedStrings(ctx, labels);
        ValueGen<string> Free()
        {
            if (ctx.Route is { Lists: { } lists })
                return new PickGen<string>(ctx.Rng, lists.Select(l => NonEmpty(ctx, AllowedStrings(ctx, labels.Where(l.Contains)))).ToArray());
            return new PickGen<string>(ctx.Rng, NonEmpty(ctx, Allowed()));
        }
        return new KindSpec<string>(new EnumCodec(labels), Free, () => new SetIndexed<string>(Allowed()));
    }

    private static (int Min, int Max) Lengths(ColumnContext ctx, SqlType t)
    {
        var max = t.Kind is TypeKind.Varchar or TypeKind.Char && t.Length is { } l ? l : int.MaxValue;
        if (t.Kind == TypeKind.Char && t.Length is null) max = 1;
        max = Math.Min(max, ctx.Rules.MaxLen);
        var min = ctx.Rules.MinLen;
        if (min > max) throw ctx.Fail($"CHECK length bounds ({min}..{max}) leave no {ctx.Type} value");
        return (min, max);
    }

    private static KindSpec TextSpec(ColumnContext ctx, SqlType t)
    {
        var (minLen, maxLen) = Lengths(ctx, t);
        var poolRng = ctx.Rng.Derive(0x9001);

        string MakeFree(int i)
        {
            ulong R(int j) => poolRng.Bits(i, (ulong)j);
            switch (t.Kind)
            {
                case TypeKind.Json or TypeKind.Jsonb:
                    return $"{{\"id\": {R(0) % 100000}, \"name\": \"{TextData.Words[R(1) % (ulong)TextData.Words.Length]}\", \"active\": {((R(2) & 1) == 0 ? "true" : "false")}}}";
                case TypeKind.Xml:
                    return "<v>" + TextData.Words[R(0) % (ulong)TextData.Words.Length] + "</v>";
                case TypeKind.TsVector:
                {
                    var n = 1 + (int)(R(0) % 4);
                    var words = Enumerable.Range(1, n).Select(j => TextData.Words[R(j) % (ulong)TextData.Words.Length]).Distinct().Order(StringComparer.Ordinal);
                    return string.Join(' ', words.Select(w => "'" + w + "'"));
                }
                case TypeKind.Inet:
                {
                    var a = 1 + (int)(R(0) % 223);
                    if (a == 127) a = 128;
                    return $"{a}.{R(1) % 256}.{R(2) % 256}.{1 + R(3) % 254}";
                }
                case TypeKind.Cidr:
                {
                    int[] prefixes = [8, 16, 24, 32];
                    var p = prefixes[R(0) % 4];
                    var ip = (uint)R(1);
                    ip = p == 32 ? ip : ip & ~(uint.MaxValue >> p);
                    return Ip(ip) + "/" + p;
                }
                case TypeKind.MacAddr:
                    return Mac(R(0) & 0xFFFF_FFFF_FFFF);
                case TypeKind.Bit or TypeKind.VarBit:
                {
                    var len = t.Kind == TypeKind.Bit ? t.Length ?? 1 : 1 + (int)(R(0) % (ulong)(t.Length ?? 16));
                    var sb = new StringBuilder(len);
                    for (var j = 0; j < len; j++) sb.Append((R(1 + j / 64) >> (j % 64) & 1) == 0 ? '0' : '1');
                    return sb.ToString();
                }
                default:
                    return TextData.Fit(string.Join(' ', TextData.Words[R(0) % (ulong)TextData.Words.Length], TextData.Words[R(1) % (ulong)TextData.Words.Length]), minLen, maxLen);
            }
        }

        var patterns = t.Descriptor.IsCharacter ? Patterns(ctx, minLen, maxLen) : null;

        ValueGen<string> Free()
        {
            if (ctx.Route is { Lists: { } lists })
                return new PickGen<string>(ctx.Rng, lists.Select(l => NonEmpty(ctx, AllowedStrings(ctx, l))).ToArray());
            if (ctx.Rules.In is not null) return new PickGen<string>(ctx.Rng, InStrings(ctx));
            if (patterns is not null)
                return new PoolGen<string>(ctx.Rng, 4096, i => patterns.At((long)(poolRng.Bits(i, 0) % (ulong)patterns.Domain)));
            if (t.Kind is TypeKind.Json or TypeKind.Jsonb) return Realistic.Json(ctx);
            if (IsPlainText(t) && Realistic.Handles(ctx.Meaning.Kind)) return Realistic.Free(ctx, minLen, maxLen);
            return new PoolGen<string>(ctx.Rng, 4096, MakeFree);
        }

        IndexedGen<string>? Indexed()
        {
            if (ctx.Rules.In is not null) return new SetIndexed<string>(InStrings(ctx));
            if (patterns is not null) return patterns;
            switch (t.Kind)
            {
                case TypeKind.Json or TypeKind.Jsonb: return new TextIndexed(long.MaxValue, k => $"{{\"id\": {k}}}");
                case TypeKind.Xml: return new TextIndexed(long.MaxValue, k => $"<v>{k}</v>");
                case TypeKind.TsVector: return new TextIndexed(long.MaxValue, k => $"'k{k}'");
                case TypeKind.Inet: return new TextIndexed(uint.MaxValue, k => Ip((uint)(0x0A000001u + (ulong)k)));
                case TypeKind.Cidr: return new TextIndexed(uint.MaxValue, k => Ip((uint)(0x0A000001u + (ulong)k)) + "/32");
                case TypeKind.MacAddr: return new TextIndexed(1L << 48, k => Mac((ulong)k));
                case TypeKind.Bit or TypeKind.VarBit:
                {
                    var len = t.Length ?? (t.Kind == TypeKind.Bit ? 1 : 62);
                    var bits = Math.Min(len, 62);
                    return new TextIndexed(1L << bits, k =>
                    {
                        var s = new char[len];
                        for (var j = 0; j < len; j++) s[len - 1 - j] = j < 62 && ((k >> j) & 1) != 0 ? '1' : '0';
                        return new string(s);
                    });
                }
            }
            var domain = maxLen >= 12 ? long.MaxValue : (long)Math.Min(Math.Pow(36, maxLen), 4e18);
            var width = TextData.CodeWidth(Math.Max(1, Math.Min(domain, ctx.Rows)));
            if (width > maxLen) width = maxLen;
            // A short code column (char(5) customer ids) is its code alone, as wide as the column allows.
            if (ctx.Meaning.Kind is SemanticKind.Code or SemanticKind.Id && maxLen <= 12 && (long)Math.Min(Math.Pow(36, maxLen), 4e18) >= ctx.Rows)
                width = Math.Max(width, Math.Max(minLen, t.Kind == TypeKind.Char ? maxLen : Math.Min(maxLen, 5)));
            return UniqueText(ctx, domain, width, minLen, maxLen);
        }

        return new KindSpec<string>(new StringCodec(), Free, Indexed);
    }

    /// <summary>Unique strings: decoration + x-padding + fixed-width base-36 code of k + fixed suffix. Decorations are
    /// realistic values of the column's kind (those that fit the length limit), built on first use; the code is
    /// always the last <paramref name="width"/> characters before the suffix, which makes the map injective. Code
    /// and id columns get an upper-case code, scattered over its width by a keyed permutation.</summary>
    private static TextIndexed UniqueText(ColumnContext ctx, long domain, int width, int minLen, int maxLen)
    {
        var deco = ctx.Rng.Derive(0x9002);
        var upper = ctx.Meaning.Kind is SemanticKind.Code or SemanticKind.Id;
        var space = (long)Math.Min(Math.Pow(36, width), 4e18);
        var perm = upper ? new Permutation(space, deco.Derive(1)) : default;
        var lazy = new Lazy<(string[] Prefixes, string Suffix)>(() =>
        {
            var (all, suffix) = upper ? ([], "") : Realistic.Decorations(ctx);
            all = all.Distinct().ToArray();
            var prefixes = all.Where(p => p.Length + width + suffix.Length <= maxLen).ToArray();
            if (prefixes.Length == 0)
            {
                suffix = "";
                prefixes = all.Where(p => p.Length + width <= maxLen).ToArray();
            }
            if (prefixes.Length == 0) prefixes = [""];
            return (prefixes, suffix);
        }, LazyThreadSafetyMode.ExecutionAndPublication);
        var digits = upper ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" : "0123456789abcdefghijklmnopqrstuvwxyz";
        return new TextIndexed(domain, k =>
        {
            var (prefixes, suffix) = lazy.Value;
            var prefix = prefixes[deco.Bits((ulong)k) % (ulong)prefixes.Length];
            var pad = Math.Max(0, minLen - (prefix.Length + width + suffix.Length));
            var v0 = upper && k < space ? perm[k] : k;
            return string.Create(prefix.Length + pad + width + suffix.Length, (prefix, pad, v0, width, suffix, digits), static (span, st) =>
            {
                st.prefix.AsSpan().CopyTo(span);
                span.Slice(st.prefix.Length, st.pad).Fill('x');
                var code = span.Slice(st.prefix.Length + st.pad, st.width);
                var v = st.v0;
                for (var i = code.Length - 1; i >= 0; i--) { code[i] = st.digits[(int)(v % 36)]; v /= 36; }
                st.suffix.AsSpan().CopyTo(span[(st.prefix.Length + st.pad + st.width)..]);
            });
        });
    }

    private static bool IsPlainText(SqlType t) => t.Kind is TypeKind.Text or TypeKind.Varchar or TypeKind.Char;

    /// <summary>Every value the column's LIKE alternatives admit (each % empty, each _ one of 36 characters), as one
    /// indexed sequence: alternative after alternative, each in mixed radix. Null when the column has no patterns.</summary>
    private static TextIndexed? Patterns(ColumnContext ctx, int minLen, int maxLen)
    {
        if (ctx.Rules.Patterns is not { } all) return null;
        var fitting = all.Where(p => p.Elements.Count(e => e is not PatternAnyString) is var n && n >= minLen && n <= maxLen)
            .Where(p => p.Count() > 0).ToArray();
        if (fitting.Length == 0)
            throw ctx.Fail($"no LIKE pattern of its CHECK fits the column's length ({minLen}..{maxLen})");
        var counts = fitting.Select(p => p.Count()).ToArray();
        long total = 0;
        foreach (var c in counts) total = total > long.MaxValue - c ? long.MaxValue : total + c;
        return new TextIndexed(total, k =>
        {
            for (var i = 0; i < fitting.Length; i++)
            {
                if (k < counts[i]) return fitting[i].Value(k);
                k -= counts[i];
            }
            return fitting[^1].Value(k % counts[^1]);
        });
    }

    private static string[] InStrings(ColumnContext ctx)
    {
        var (minLen, maxLen) = Lengths(ctx, ctx.Type.ElementType);
        return NonEmpty(ctx, AllowedStrings(ctx, ctx.Rules.In!.Select(v => v switch
        {
            StringValue s => s.Value,
            NumberValue n => n.Value.ToString(CultureInfo.InvariantCulture),
            BoolValue b => b.Value ? "true" : "false",
            _ => null,
        }).OfType<string>()).Where(s => s.Length >= minLen && s.Length <= maxLen).ToArray());
    }

    private static string Ip(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";

    private static string Mac(ulong m) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((m >> (40 - 8 * i)) & 0xFF).ToString("x2", CultureInfo.InvariantCulture)));
}
