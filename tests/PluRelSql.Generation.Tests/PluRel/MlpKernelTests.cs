using PluRelSql.Generation.PluRel;

namespace PluRelSql.Generation.Tests.PluRel;

/// <summary>The matrix kernels against the plain definition: y[i, j] = one in-order fused multiply-add chain over k.
/// Bit equality, not closeness: the engine's output must not depend on which kernel ran.</summary>
public sealed class MlpKernelTests
{
    private static float[] Reference(float[] x, int m, int inDim, float[] w, int outDim)
    {
        var y = new float[m * outDim];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < outDim; j++)
            {
                var acc = 0f;
                for (var k = 0; k < inDim; k++) acc = MathF.FusedMultiplyAdd(x[i * inDim + k], w[k * outDim + j], acc);
                y[i * outDim + j] = acc;
            }
        return y;
    }

    [Theory]
    [InlineData(32, 1)]
    [InlineData(32, 32)]
    [InlineData(1, 32)]
    [InlineData(16, 1)]
    [InlineData(12, 1)]
    [InlineData(5, 3)]
    public void Every_kernel_gives_the_bits_of_the_in_order_chain(int inDim, int outDim)
    {
        var rng = new Random(inDim * 100 + outDim);
        foreach (var m in new[] { 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100 })
        {
            // Wide magnitudes, cancellations and a few specials, so rounding differences would show.
            var x = Enumerable.Range(0, m * inDim).Select(i => i % 53 == 7 ? float.NaN : i % 61 == 3 ? 0f
                : (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 6)))).ToArray();
            var w = Enumerable.Range(0, inDim * outDim).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            var y = new float[m * outDim];
            Mlp.MatMul(x, m, inDim, w, outDim, y);
            var want = Reference(x, m, inDim, w, outDim);
            for (var i = 0; i < y.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(want[i]) == BitConverter.SingleToInt32Bits(y[i]),
                    $"m={m} element {i}: {y[i]:R} instead of {want[i]:R}");
        }
    }
}
