namespace PluRelSql.Generation.Tests.PluRel;

internal static class Stats
{
    public static double[] Ranks(IReadOnlyList<double> x)
    {
        var idx = Enumerable.Range(0, x.Count).OrderBy(i => x[i]).ToArray();
        var r = new double[x.Count];
        for (var i = 0; i < idx.Length;)
        {
            var j = i;
            while (j + 1 < idx.Length && x[idx[j + 1]] == x[idx[i]]) j++;
            var avg = (i + j) / 2.0;
            for (var k = i; k <= j; k++) r[idx[k]] = avg;
            i = j + 1;
        }
        return r;
    }

    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var n = a.Count;
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < n; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.Sqrt(saa * sbb);
    }

    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b) => Pearson(Ranks(a), Ranks(b));

    public static double Lag1(IReadOnlyList<double> x) => Pearson(x.Take(x.Count - 1).ToList(), x.Skip(1).ToList());

    public static double Quantile(IEnumerable<double> xs, double q)
    {
        var s = xs.Order().ToArray();
        if (s.Length == 0) return double.NaN;
        var pos = q * (s.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
