using System.Runtime.ExceptionServices;

namespace PluRelSql.Schema.Dialects;

/// <summary>ScriptDom's lexer and parser recurse once per level of nesting and per operand of an operator chain, and a
/// stack overflow kills the process: its parses run on a thread with a large stack (reserved, committed only as used).</summary>
internal static class LargeStack
{
    private const int StackBytes = 256 << 20;

    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        }, StackBytes)
        { Name = "large-stack parse" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}

/// <summary>Expression trees deeper than a writer or generator may recurse on any thread are refused when read.</summary>
internal static class ExprDepth
{
    /// <summary>Far beyond any schema's expressions. The recursive writers and walkers take several hundred bytes of
    /// stack per level, so on a 1 MiB stack they give out below this (~930 chained ANDs): trees deeper than
    /// <see cref="Shallow"/> are walked on a large stack (see <see cref="OnLargeStackIfDeep"/>).</summary>
    public const int Max = 1000;

    /// <summary>Depth any thread's stack recurses through; what real schemas write stays far below.</summary>
    public const int Shallow = 64;

    /// <summary>Runs a recursive walk of <paramref name="e"/> here when the tree is shallow, else on a large stack
    /// (a thread per call, so only for the rare deep tree).</summary>
    public static T OnLargeStackIfDeep<T>(SqlExpr e, Func<T> walk) => Deeper(e, Shallow) ? LargeStack.Run(walk) : walk();

    /// <summary>Whether <paramref name="e"/> nests more than <paramref name="limit"/> levels; with an explicit stack.</summary>
    public static bool Deeper(SqlExpr e, int limit)
    {
        var stack = new Stack<(SqlExpr, int)>();
        stack.Push((e, 1));
        while (stack.Count > 0)
        {
            var (x, d) = stack.Pop();
            if (d > limit) return true;
            foreach (var child in Children(x)) stack.Push((child, d + 1));
        }
        return false;
    }

    /// <summary>Throws <see cref="UntranslatableException"/> when <paramref name="e"/> nests deeper than <see cref="Max"/>;
    /// walks with an explicit stack, so it is safe on any tree.</summary>
    public static SqlExpr Check(SqlExpr e) =>
        Deeper(e, Max) ? throw new UntranslatableException($"expression nested more than {Max} levels deep") : e;

    internal static IEnumerable<SqlExpr> Children(SqlExpr e) => e switch
    {
        Call c => c.Args,
        Unary u => [u.Operand],
        Binary b => [b.Left, b.Right],
        IsNullExpr n => [n.Operand],
        BetweenExpr b => [b.Operand, b.Low, b.High],
        InExpr i => [i.Operand, .. i.Values],
        LikeExpr l => [l.Operand],
        CastExpr c => [c.Operand],
        CaseExpr c => [.. c.Operand is null ? [] : new[] { c.Operand }, .. c.Whens.SelectMany(w => new[] { w.When, w.Then }), .. c.Else is null ? [] : new[] { c.Else }],
        _ => [],
    };
}
