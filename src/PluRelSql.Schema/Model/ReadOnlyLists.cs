namespace PluRelSql.Schema;

/// <summary>List look-ups the model's read-only collections lack.</summary>
public static class ReadOnlyLists
{
    /// <summary>The index of the first element equal to <paramref name="item"/> (default equality), or -1.</summary>
    public static int IndexOf<T>(this IReadOnlyList<T> list, T item)
    {
        ArgumentNullException.ThrowIfNull(list);
        var eq = EqualityComparer<T>.Default;
        for (var i = 0; i < list.Count; i++)
            if (eq.Equals(list[i], item)) return i;
        return -1;
    }
}
