namespace PluRelSql.Generation.Values;

/// <summary>The generic word list (text of no known meaning, hstore and ltree labels) and fixed-width codes.
/// Realistic values of a known meaning come from Bogus (see <see cref="Realistic"/>).</summary>
internal static class TextData
{
    public static readonly string[] Words =
    [
        "alpha", "amber", "anchor", "apple", "arrow", "aspen", "atlas", "autumn", "badge", "bamboo", "beacon", "birch",
        "blossom", "breeze", "bridge", "bronze", "cable", "canyon", "carbon", "cedar", "chalk", "cherry", "cinder",
        "citrus", "clover", "cobalt", "comet", "copper", "coral", "cotton", "crystal", "delta", "desert", "drift",
        "eagle", "echo", "ember", "falcon", "feather", "fern", "field", "flint", "forest", "fossil", "garden",
        "garnet", "glacier", "granite", "harbor", "hazel", "horizon", "indigo", "iris", "island", "ivory", "jade",
        "jasper", "juniper", "lagoon", "lantern", "lemon", "linen", "lotus", "maple", "marble", "meadow", "mercury",
        "meteor", "mint", "mist", "nectar", "noble", "oak", "ocean", "olive", "onyx", "orbit", "orchid", "pearl",
        "pebble", "pepper", "pine", "planet", "plaza", "prairie", "quartz", "quill", "raven", "reef", "ridge",
        "river", "robin", "saffron", "sage", "sapphire", "shadow", "silver", "sky", "slate", "spruce", "star",
        "stone", "summit", "sunset", "thistle", "thunder", "timber", "topaz", "tulip", "valley", "velvet", "violet",
        "willow", "winter", "zephyr",
    ];

    /// <summary>Fits a value into [minLen, maxLen] characters (truncating, then padding with letters).</summary>
    public static string Fit(string s, int minLen, int maxLen)
    {
        if (s.Length > maxLen) s = s[..maxLen].TrimEnd(' ');
        if (s.Length < minLen) s = s.PadRight(minLen, 'x');
        if (s.Length > maxLen) s = s[..maxLen];
        return s;
    }

    private const string Base36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>k in base 36, left-padded with zeros to exactly <paramref name="width"/> digits.</summary>
    public static string Code(long k, int width)
    {
        Span<char> buf = stackalloc char[Math.Max(width, 1)];
        for (var i = buf.Length - 1; i >= 0; i--) { buf[i] = Base36[(int)(k % 36)]; k /= 36; }
        return new string(buf);
    }

    /// <summary>Smallest number of base-36 digits that can spell every k below <paramref name="count"/>.</summary>
    public static int CodeWidth(long count)
    {
        var w = 1;
        double cap = 36;
        while (cap < count) { w++; cap *= 36; }
        return w;
    }
}
