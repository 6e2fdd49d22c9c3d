using PluRelSql.Core;

namespace PluRelSql.Generation.Tests;

/// <summary>The streams every generated value comes from: pinned, because one changed bit changes every loaded table.</summary>
public sealed class CounterRngTests
{
    [Fact]
    public void Streams_labels_and_draws_are_pinned()
    {
        var rng = CounterRng.Stream(7, 1, 2);
        Assert.Equal(0xEEB7C8837DE1E1CDUL, rng.Key);
        Assert.Equal(0x523ACEC1AB8C2E65UL, rng.Bits(0));
        Assert.Equal(0x501C2E8FDBE1D491UL, rng.Bits(41));
        Assert.Equal(0xE17FFFC1556F4D37UL, rng.Bits(5, 3));
        Assert.Equal(0xB854E9E25EDC0D39UL, rng.Derive(9).Key);
        Assert.Equal(0x9226737501B54239UL, CounterRng.Label("customer"));
        Assert.Equal(880, rng.Below(5, 1000, 3));
    }

    [Fact]
    public void Draws_are_a_function_of_key_and_counter_only()
    {
        var a = new CounterRng(42);
        var b = new CounterRng(42);
        Assert.Equal(a.Bits(123), b.Bits(123));
        Assert.Equal(CounterRng.SubBits(a.Bits(9), 4), a.Bits(9, 4));
        Assert.NotEqual(a.Bits(1), a.Bits(2));
        Assert.NotEqual(a.Derive(1).Key, a.Derive(2).Key);
        for (var i = 0; i < 1000; i++)
        {
            var u = a.Uniform(i);
            Assert.InRange(u, 0.0, 1.0 - double.Epsilon);
            Assert.InRange(a.Below(i, 7), 0, 6);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void A_permutation_is_a_bijection(long n)
    {
        var p = new Permutation(n, CounterRng.Stream(3, 5));
        var seen = new bool[n];
        for (long i = 0; i < n; i++)
        {
            var v = p[i];
            Assert.InRange(v, 0, n - 1);
            Assert.False(seen[v]);
            seen[v] = true;
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => p[n]);
    }
}
