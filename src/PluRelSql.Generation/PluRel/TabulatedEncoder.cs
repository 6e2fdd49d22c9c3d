using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PluRelSql.Generation.PluRel;

/// <summary>How numeric edge and parent-export encoders are evaluated (docs/generator.md §4.6).</summary>
public enum EncoderMode
{
    /// <summary>Every row through the frozen MLP.</summary>
    Exact,
    /// <summary>The same MLP tabulated over its scalar input with linear interpolation, exact where the table is not
    /// accurate enough or the input is outside it.</summary>
    Tabulated,
}

/// <summary>A numeric encoder (a fixed function ℝ → ℝ³², docs/generator.md §4.6) tabulated over its input: knots at
/// ±2^e·(1 + j/16) for e in [−12, 20) plus 0, i.e. 16 cells per octave on each side and one cell [0, 2^−12), so a
/// float's cell and its position inside it come from its bits without a division. A cell is built the first time a row
/// falls in it: its two knots and three check points (¼, ½, ¾) are evaluated exactly; if linear interpolation misses
/// any check point by more than <see cref="Tolerance"/>·(1 + |f|) in any component (a discontinuity — sign,
/// hardshrink, step-like activations — a kink or an oscillation inside the cell) the cell is marked exact and its rows
/// go through the MLP. Inputs that are NaN or at least 2^20 in magnitude are always exact.
/// A cell's contents and verdict are a pure function of the MLP and the cell, and each row's value a pure function of
/// its input, so results never depend on threads, chunking or which rows came first. Builds race benignly: two
/// threads building one cell write the same bits, and the state is published after the data.</summary>
internal sealed class TabulatedEncoder
{
    /// <summary>log2 of the cells per octave.</summary>
    private const int M = 4;
    private const int EMin = -12;
    private const int EMax = 20;
    private const int LogCells = (EMax - EMin) << M;
    /// <summary>Per side: the cell [0, 2^EMin) and the log cells.</summary>
    private const int Cells = LogCells + 1;
    private const int Knots = Cells + 1;
    private const int FracBits = 23 - M;
    internal const float Tolerance = 1e-3f;
    private const byte Unknown = 0, Table = 1, Exact = 2;
    private static readonly float Tiny = MathF.Pow(2, EMin);
    private static readonly float Huge = MathF.Pow(2, EMax);
    private static readonly int TinyBits = BitConverter.SingleToInt32Bits(Tiny);
    private static readonly float[] CheckPoints = [0.25f, 0.5f, 0.75f];

    private readonly Mlp _mlp;
    private float[]? _knots;
    private byte[]? _knotReady;
    private byte[]? _cellState;

    public TabulatedEncoder(Mlp mlp)
    {
        if (mlp.In != 1 || mlp.Out != Mlp.D) throw new ArgumentException("only numeric encoders (1 → 32) are tabulated", nameof(mlp));
        _mlp = mlp;
    }

    /// <summary>Encodes m values into dst (m × 32): interpolated where the cell is accurate, the MLP elsewhere. Cells not
    /// built yet are built together first, in one forward pass over all their knots and check points.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(ReadOnlySpan<double> x, int m, Span<float> dst, Scratch s)
    {
        var knots = LazyInitializer.EnsureInitialized(ref _knots, () => new float[2 * Knots * Mlp.D]);
        LazyInitializer.EnsureInitialized(ref _knotReady, () => new byte[2 * Knots]);
        var states = LazyInitializer.EnsureInitialized(ref _cellState, () => new byte[2 * Cells]);
        var cells = m <= 256 ? stackalloc int[m] : new int[m];
        var ts = m <= 256 ? stackalloc float[m] : new float[m];
        var pending = m <= 256 ? stackalloc int[m] : new int[m];
        var pendingCount = 0;
        for (var i = 0; i < m; i++)
        {
            if (!Locate((float)x[i], out var cell, out ts[i]))
            {
                cells[i] = -1;
                continue;
            }
            cells[i] = cell;
            if (Volatile.Read(ref states[cell]) == Unknown) pending[pendingCount++] = cell;
        }
        if (pendingCount > 0)
        {
            // Each new cell once, in ascending order (so neighbours' shared knots are adjacent).
            var p = pending[..pendingCount];
            p.Sort();
            var distinct = 1;
            for (var i = 1; i < p.Length; i++)
                if (p[i] != p[distinct - 1]) p[distinct++] = p[i];
            Build(p[..distinct]);
        }
        var exactRows = m <= 256 ? stackalloc int[m] : new int[m];
        var exactCount = 0;
        var packed = s.In;
        for (var i = 0; i < m; i++)
        {
            var cell = cells[i];
            if (cell < 0 || Volatile.Read(ref states[cell]) == Exact)
            {
                packed[exactCount] = (float)x[i];
                exactRows[exactCount++] = i;
                continue;
            }
            Interpolate(knots, cell, ts[i], dst.Slice(i * Mlp.D, Mlp.D));
        }
        if (exactCount == 0) return;
        var y = s.C.AsSpan(0, exactCount * Mlp.D);
        _mlp.Forward(packed.AsSpan(0, exactCount), exactCount, y, s.A, s.B);
        for (var k = 0; k < exactCount; k++) y.Slice(k * Mlp.D, Mlp.D).CopyTo(dst.Slice(exactRows[k] * Mlp.D, Mlp.D));
    }

    /// <summary>The cell of v (side × Cells + index; its knots are cell + side and cell + side + 1 in knot numbering)
    /// and its position t ∈ [0, 1) inside it; false where v is outside the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Locate(float v, out int cell, out float t)
    {
        var a = MathF.Abs(v);
        var side = v < 0 ? Cells : 0;
        if (!(a < Huge))
        {
            cell = 0;
            t = 0;
            return false;
        }
        if (a < Tiny)
        {
            cell = side;
            t = a * (1f / Tiny);
            return true;
        }
        var rel = BitConverter.SingleToInt32Bits(a) - TinyBits;
        cell = side + 1 + (rel >> FracBits);
        t = (rel & ((1 << FracBits) - 1)) * (1f / (1 << FracBits));
        return true;
    }

    /// <summary>The input at knot k of a side: 0, then 2^EMin·2^(i/16 octave steps) for log knot i = k − 1.</summary>
    private static float KnotX(int k, bool negative)
    {
        float x;
        if (k == 0) x = 0;
        else if (k - 1 == LogCells) x = Huge;
        else x = BitConverter.Int32BitsToSingle(TinyBits + ((k - 1) << FracBits));
        return negative ? -x : x;
    }

    /// <summary>First knot (in the 2·Knots numbering) of a cell.</summary>
    private static int FirstKnot(int cell) => cell < Cells ? cell : cell + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interpolate(float[] knots, int cell, float t, Span<float> dst)
    {
        var k0 = FirstKnot(cell) * Mlp.D;
        var a = MemoryMarshal.Cast<float, Vector<float>>(knots.AsSpan(k0, Mlp.D));
        var b = MemoryMarshal.Cast<float, Vector<float>>(knots.AsSpan(k0 + Mlp.D, Mlp.D));
        var o = MemoryMarshal.Cast<float, Vector<float>>(dst);
        var tv = new Vector<float>(t);
        for (var j = 0; j < a.Length; j++) o[j] = Vector.FusedMultiplyAdd(tv, b[j] - a[j], a[j]);
    }

    /// <summary>Evaluates the cells' missing knots and their check points exactly, in one forward pass, and publishes
    /// each cell's verdict. A knot is the same function value whichever cell asks for it, so knots shared by two cells
    /// (or already built by another thread) are evaluated once.</summary>
    private void Build(ReadOnlySpan<int> cells)
    {
        var knots = _knots!;
        var ready = _knotReady!;
        // Inputs: the knots not ready yet (each once: cells come in ascending order, so a knot two cells share is the
        // last one added), then three check points per cell.
        var knotIds = new List<int>(2 * cells.Length);
        var inputs = new List<float>(5 * cells.Length);
        foreach (var cell in cells)
        {
            var k0 = FirstKnot(cell);
            for (var e = 0; e < 2; e++)
            {
                if (Volatile.Read(ref ready[k0 + e]) != 0 || (knotIds.Count > 0 && knotIds[^1] == k0 + e)) continue;
                knotIds.Add(k0 + e);
                inputs.Add(KnotInput(cell, e));
            }
        }
        var checkStart = inputs.Count;
        foreach (var cell in cells)
        {
            float a = KnotInput(cell, 0), b = KnotInput(cell, 1);
            foreach (var c in CheckPoints) inputs.Add(a + c * (b - a));
        }
        var n = inputs.Count;
        var y = new float[n * Mlp.D];
        var sa = new float[n * Mlp.D];
        var sb = new float[n * Mlp.D];
        _mlp.Forward(inputs.ToArray(), n, y, sa, sb);
        for (var i = 0; i < knotIds.Count; i++)
        {
            var k = knotIds[i];
            if (Volatile.Read(ref ready[k]) != 0) continue;
            y.AsSpan(i * Mlp.D, Mlp.D).CopyTo(knots.AsSpan(k * Mlp.D, Mlp.D));
            Volatile.Write(ref ready[k], 1);
        }
        Span<float> interp = stackalloc float[Mlp.D];
        for (var ci = 0; ci < cells.Length; ci++)
        {
            var cell = cells[ci];
            var k0 = FirstKnot(cell) * Mlp.D;
            var left = knots.AsSpan(k0, Mlp.D);
            var right = knots.AsSpan(k0 + Mlp.D, Mlp.D);
            var verdict = Table;
            for (var c = 0; c < CheckPoints.Length && verdict == Table; c++)
            {
                var at = checkStart + ci * CheckPoints.Length + c;
                // A check point that rounds into a neighbouring cell says nothing about this one.
                if (!Locate(inputs[at], out var cc, out var t) || cc != cell) continue;
                Interpolate(knots, cell, t, interp);
                var exact = y.AsSpan(at * Mlp.D, Mlp.D);
                for (var j = 0; j < Mlp.D; j++)
                {
                    var scale = MathF.Max(MathF.Abs(left[j]), MathF.Max(MathF.Abs(right[j]), MathF.Abs(exact[j])));
                    var err = MathF.Abs(interp[j] - exact[j]);
                    // NaN (an overflowing MLP) fails this comparison too: such cells stay exact.
                    if (!(err <= Tolerance * (1 + scale))) { verdict = Exact; break; }
                }
            }
            for (var j = 0; j < Mlp.D && verdict == Table; j++)
                if (!float.IsFinite(left[j]) || !float.IsFinite(right[j])) verdict = Exact;
            Volatile.Write(ref _cellState![cell], verdict);
        }
    }

    /// <summary>The input at the cell's left (e = 0) or right (e = 1) knot.</summary>
    private static float KnotInput(int cell, int e)
    {
        var negative = cell >= Cells;
        return KnotX((negative ? cell - Cells : cell) + e, negative);
    }

    /// <summary>Test hook: the share of cells built so far that are exact, and how many were built.</summary>
    internal (int Built, int Exact) CellCounts()
    {
        if (_cellState is not { } states) return (0, 0);
        return (states.Count(b => b != Unknown), states.Count(b => b == Exact));
    }
}
