using PluRelSql.Core;
using PluRelSql.Generation.PluRel;

namespace PluRelSql.Generation.Tests.PluRel;

public sealed class ScmUnitTests
{
    private static TemporalSource Ts(double lo, double hi, double alpha, double tau, double phi, double kappa, double sigma,
        double rho, long n = 3000) =>
        new(n, lo, hi, alpha, tau, phi, kappa, sigma, rho, CounterRng.Stream(77, 1));

    private static double SpearmanWithIndex(double[] v) => Stats.Spearman(Enumerable.Range(0, v.Length).Select(i => (double)i).ToList(), v);

    [Fact]
    public void Rising_trend_without_cycle_is_monotone_in_rank()
    {
        var v = Ts(0, 1, 1, +1, 0.5, 0, 0.05, 0).Values(3000);
        Assert.True(SpearmanWithIndex(v) > 0.99);
        var withNegativeCycle = Ts(0, 1, 1, +1, 0.5, -1, 0.05, 0).Values(3000);
        Assert.True(SpearmanWithIndex(withNegativeCycle) > 0.8); // reference ≈ 0.9
    }

    [Fact]
    public void Every_value_is_trend_plus_cycle_plus_clipped_ar_state_over_three()
    {
        foreach (var (rho, kappa) in new[] { (0.0, 1.0), (0.7, 1.0), (0.9, -1.0) })
        {
            var ts = Ts(0.1, 0.9, 0.7, -1, 0.3, kappa, 0.05, rho, n: 5000);
            var v = ts.Values(5000);
            double e = 0;
            for (var r = 0; r < 5000; r++)
            {
                e = rho * e + ts.Sigma * ts.Z(r);
                var trend = Math.Min(-1 * Math.Pow(r / 5000.0, 0.7) + 0.1, 0.9);
                var cycle = Math.Clamp(kappa * Math.Sin(Math.PI * r / Math.Ceiling(5000 * 0.3)), 0.1, 0.9);
                var expected = (trend + cycle + Math.Clamp(e, 0.1, 0.9)) / 3;
                Assert.Equal(expected, v[r], 12);
            }
        }
    }

    [Fact]
    public void Source_values_are_float32_as_the_reference_tensorises_them()
    {
        // plurel/scm.py tensorize_source: a source node's values become a float32 tensor, and a column bound to it gets that.
        var checkedSources = 0;
        var fractional = 0;
        foreach (var seed in new ulong[] { 3, 8, 21 })
        {
            var db = PluRelDatabase.FromSampled(SchemaSampler.Sample(seed, new SamplerConfig { ForceTables = 5 }));
            foreach (var table in db.Graph.Tables)
            {
                if (db.Model(table) is not { } model) continue;
                var x = model.Forward(Enumerable.Range(0, 200).Select(r => (long)r).ToArray());
                foreach (var node in model.Nodes.Where(n => n.IsSource))
                {
                    checkedSources++;
                    Assert.All(x[node.Id], v => Assert.Equal((double)(float)v, v));
                    if (x[node.Id].Any(v => v != Math.Floor(v))) fractional++;
                }
            }
        }
        Assert.True(fractional >= 5, $"only {fractional} of {checkedSources} sources hold real (not class) values");
    }

    [Fact]
    public void Entity_sources_are_stationary_with_lag_one_autocorrelation_near_rho()
    {
        var wide = Ts(-5, 5, 1, 0, 0.5, 0, 1, 0.5, n: 20_000).Values(20_000);
        Assert.InRange(Math.Abs(SpearmanWithIndex(wide)), 0, 0.05);
        Assert.InRange(Stats.Lag1(wide), 0.45, 0.53);   // reference ≈ 0.49
        var narrow = Ts(0, 1, 1, 0, 0.5, 0, 1, 0.5, n: 20_000).Values(20_000);
        Assert.InRange(Stats.Lag1(narrow), 0.33, 0.45); // reference ≈ 0.39
    }

    [Fact]
    public void Temporal_rows_are_the_same_whatever_rows_are_asked_for()
    {
        var ts = Ts(0, 10, 1.3, 1, 0.2, 1, 0.05, 0.9, n: 5000);
        var all = ts.Values(5000);
        long[] picks = [4999, 0, 1023, 1024, 2048, 3000, 17];
        var some = new double[picks.Length];
        ts.Fill(picks, some);
        for (var i = 0; i < picks.Length; i++) Assert.Equal(all[picks[i]], some[i]);
    }

    [Fact]
    public void Mish_in_one_exponential_matches_its_definition_over_the_whole_float_range()
    {
        // x·tanh(ln(1 + eˣ)) in double (with log1p-exact softplus) against the float kernel, from deep underflow to far
        // beyond the point where tanh rounds to 1; NaN stays NaN. FastMath.Exp flushes results below e^−87.34 to 0, so
        // |mish| under 1e−35 may come out as 0.
        var xs = Enumerable.Range(-2000, 4001).Select(i => i / 20.0).Concat([-1e6, -1e-3, 1e-7, 0, 19.99, 20, 20.01, 1e6]).ToList();
        var padded = xs.Concat([double.NaN]).Concat(Enumerable.Repeat(0.0, 32 - (xs.Count + 1) % 32)).Select(v => (float)v).ToArray();
        var layer = new MlpLayer { In = 32, Out = 32, W = new float[1024], Act = Activation.Mish, Scale = 1f };
        var y = (float[])padded.Clone();
        ActivationKernels.Apply(layer, y);
        for (var i = 0; i < xs.Count; i++)
        {
            double x = (float)xs[i];
            var e = Math.Exp(-Math.Abs(x));
            var softplus = Math.Max(x, 0) + (e < 1e-8 ? e - e * e / 2 : Math.Log(1 + e)); // log1p(e)
            var want = Math.Clamp(x * Math.Tanh(softplus), -1e6, 1e6);
            Assert.True(Math.Abs(y[i] - want) <= 4e-7 * Math.Abs(want) + 1e-35, $"mish({x}) = {y[i]} vs {want}");
        }
        Assert.True(float.IsNaN(y[xs.Count]));
    }

    [Fact]
    public void Vector_activations_match_their_scalar_definitions()
    {
        var xs = Enumerable.Range(-400, 801).Select(i => i / 40.0).ToArray(); // 801 points in [−10, 10]
        var padded = xs.Concat(Enumerable.Repeat(0.0, 32 - xs.Length % 32)).Select(v => (float)v).ToArray();
        foreach (var act in ActivationInfo.All.Distinct().Where(a => a != Activation.SineMixture))
        {
            var layer = new MlpLayer { In = 32, Out = 32, W = new float[1024], Act = act, Scale = 1f };
            var y = (float[])padded.Clone();
            ActivationKernels.Apply(layer, y);
            // float32 kernels against the double definitions: a few float ulps.
            for (var i = 0; i < xs.Length; i++)
            {
                var want = ActivationInfo.Apply(act, xs[i]);
                Assert.True(Math.Abs(y[i] - want) < 2e-6 * Math.Max(1, Math.Abs(want)), $"{act}({xs[i]}) = {y[i]} vs {want}");
            }
        }
        Assert.Equal(29, ActivationInfo.All.Count);
        Assert.Equal(0.0, ActivationInfo.Apply(Activation.Softshrink, 0.3));
        Assert.Equal(0.2, ActivationInfo.Apply(Activation.Softshrink, 0.7), 12);
        Assert.Equal(-0.5, ActivationInfo.Apply(Activation.Hardshrink, -0.5 - 1e-9), 6);
    }

    [Fact]
    public void Beta_noise_table_matches_the_beta_law()
    {
        foreach (var (a, b) in new[] { (0.5, 0.5), (2.0, 3.0), (4.0, 1.0), (0.7, 4.5) })
        {
            var noise = new NodeNoise(a, b, CounterRng.Stream(5, 5));
            var rows = Enumerable.Range(0, 4000).Select(i => (long)i).ToArray();
            var v = new float[rows.Length * 32];
            noise.Fill(rows, v);
            Assert.All(v, x => Assert.InRange(x, 0, 1f / 32));
            var mean = v.Average(x => (double)x) * 32;
            var variance = v.Select(x => x * 32.0).Average(x => (x - mean) * (x - mean));
            // 128,000 draws: standard errors below 5e-4 for both.
            Assert.InRange(mean - a / (a + b), -3e-3, 3e-3);
            Assert.InRange(variance - a * b / ((a + b) * (a + b) * (a + b + 1)), -3e-3, 3e-3);
            // The quadrature-built quantile table inverts the exact CDF (continued fraction) everywhere.
            var table = BetaQuantiles.Table(a, b);
            for (var k = 1; k < table.Length - 1; k += 3)
                Assert.InRange(BetaQuantiles.IncompleteBeta(a, b, table[k]) - k / (double)(table.Length - 1), -1e-3, 1e-3);
        }
        // Below ½ the quadrature's integrand is unbounded: the table falls back to the continued fraction.
        var low = BetaQuantiles.Table(0.3, 2);
        Assert.InRange(BetaQuantiles.IncompleteBeta(0.3, 2, low[512]) - 0.5, -1e-3, 1e-3);
        Assert.Equal(0.5, BetaQuantiles.IncompleteBeta(2, 2, 0.5), 12);
        Assert.Equal(0.25, BetaQuantiles.IncompleteBeta(1, 1, 0.25), 12);
    }

    [Fact]
    public void Bulk_weight_draws_follow_their_laws()
    {
        var d = Draws.For(11, 1);
        var z = new float[200_001];
        d.Normals(z, 1f);
        var mean = z.Average(x => (double)x);
        var variance = z.Average(x => (x - mean) * (x - mean));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.InRange(z.Count(x => Math.Abs(x) > 2) / (double)z.Length, 0.043, 0.048); // 4.55 %
        Assert.InRange(z.Count(x => Math.Abs(x) > 3) / (double)z.Length, 0.0022, 0.0032); // 0.27 %
        var u = new float[100_001];
        d.Uniforms(u, 3f);
        Assert.All(u, x => Assert.InRange(x, -3f, 3f));
        Assert.InRange(u.Average(x => (double)x * x), 2.95, 3.05); // bound² / 3
        var w = Enumerable.Repeat(1f, 100_000).ToArray();
        d.DensityMask(w, 0.4);
        Assert.InRange(w.Count(x => x != 0) / (double)w.Length, 0.395, 0.405);
        Assert.All(w, x => Assert.True(x == 0 || Math.Abs(x - 2.5f) < 1e-6));
        Span<int> buffer = stackalloc int[32];
        var picked = d.DistinctPrefix(buffer, 16).ToArray();
        Assert.Equal(16, picked.Distinct().Count());
        Assert.All(picked, p => Assert.InRange(p, 0, 31));
    }

    [Fact]
    public void Mlp_forward_does_not_depend_on_the_block_size()
    {
        var d = Draws.For(9, 9);
        var cfg = new ScmConfig();
        for (var trial = 0; trial < 30; trial++)
        {
            var enc = Encoder.Random(trial % 3 == 0 ? 4 : 0, ref d, cfg);
            var x = Enumerable.Range(0, 50).Select(i => trial % 3 == 0 ? i % 4 : Math.Sin(i) * 10).ToArray();
            var whole = new float[50 * 32];
            enc.Encode(x, 50, whole, new Scratch(50));
            for (var i = 0; i < 50; i++)
            {
                var one = new float[32];
                enc.Encode(x.AsSpan(i, 1), 1, one, new Scratch(1));
                Assert.Equal(whole.AsSpan(i * 32, 32).ToArray(), one);
            }
        }
    }

    [Fact]
    public void Multiply_adds_per_row_follow_the_layer_widths()
    {
        var d = Draws.For(12, 3);
        var cfg = new ScmConfig();
        for (var trial = 0; trial < 20; trial++)
        {
            var mlp = Mlp.Random(1, 32, ref d, cfg);
            Assert.Equal(32 + (mlp.Layers.Count - 1) * 1024, mlp.FmasPerRow); // [1, 32, …, 32]
            var decoder = Mlp.Random(32, 1, ref d, cfg);
            Assert.Equal((decoder.Layers.Count - 1) * 1024 + 32, decoder.FmasPerRow); // [32, …, 32, 1]
        }
        Assert.Equal(0, Encoder.Random(5, ref d, cfg).FmasPerRow); // categorical: a table lookup per row
        var categorical = Decoder.Random(5, ref d, cfg);
        Assert.True(categorical.FmasPerRow >= 2 * 1024 + 5 * 32);
        // Without the per-parent-row feed cache every row runs every encoder; with it, cached export encoders count
        // once per parent row, which is never more.
        var plain = PluRelDatabase.FromSampled(SchemaSampler.Sample(4, new SamplerConfig { ForceTables = 6 }),
            options: new PluRelRuntimeOptions { ParentFeedCache = false });
        Assert.Equal(plain.Graph.Tables.Sum(t => plain.Rows(t) * (double)plain.MlpFmasPerRow(t)), plain.MlpFmas());
        Assert.True(plain.MlpFmas() > 0);
        var db = PluRelDatabase.FromSampled(SchemaSampler.Sample(4, new SamplerConfig { ForceTables = 6 }));
        Assert.True(db.MlpFmas() <= plain.MlpFmas());
    }
}
