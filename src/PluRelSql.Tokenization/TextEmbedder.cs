using System.Text;

namespace PluRelSql.Tokenization;

/// <summary>A frozen, deterministic text embedding with no download: word unigrams and character 3-grams hashed
/// into <see cref="Dimension"/> signed buckets, L2-normalised (docs/model.md §1.4). Column phrases
/// ("price of product") and text cell values go through it, so an unseen schema still gets meaningful,
/// comparable name vectors.</summary>
public sealed class TextEmbedder(int dimension = 64)
{
    public int Dimension { get; } = dimension > 0 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension));

    public float[] Embed(string text)
    {
        var v = new float[Dimension];
        Embed(text, v);
        return v;
    }

    public void Embed(string text, Span<float> into)
    {
        if (into.Length != Dimension) throw new ArgumentException($"expected {Dimension} floats", nameof(into));
        into.Clear();
        foreach (var word in Words(text))
        {
            Add(into, "w:" + word, 1f);
            var padded = "<" + word + ">";
            for (var i = 0; i + 3 <= padded.Length; i++) Add(into, padded.Substring(i, 3), 0.5f);
        }
        var norm = 0.0;
        foreach (var x in into) norm += x * x;
        if (norm == 0) return;
        var inv = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < into.Length; i++) into[i] *= inv;
    }

    private void Add(Span<float> v, string feature, float weight)
    {
        var h = Fnv(feature);
        var bucket = (int)(h % (ulong)Dimension);
        v[bucket] += ((h >> 63) == 0 ? 1f : -1f) * weight;
    }

    private static ulong Fnv(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (var c in s) { h ^= c; h *= 1099511628211UL; }
        return h ^ (h >> 29);
    }

    /// <summary>Lower-case words, split on non-alphanumerics and camelCase boundaries ("customerId" → customer, id).</summary>
    internal static IEnumerable<string> Words(string text)
    {
        var sb = new StringBuilder();
        char prev = ' ';
        foreach (var c in text)
        {
            var boundary = !char.IsLetterOrDigit(c) || (char.IsUpper(c) && char.IsLower(prev));
            if (boundary && sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            prev = c;
        }
        if (sb.Length > 0) yield return sb.ToString();
    }
}
