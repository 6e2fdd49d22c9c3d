namespace PluRelSql.Training;

/// <summary>
/// A small in-memory relational task with planted cross-table dependencies, for self-checks, overfit tests and benchmarks.
/// Tables: <c>account</c>(balance: number), <c>merchant</c>(risk: number), <c>tx</c>(amount: number, flagged: boolean,
/// channel: categorical) with FKs tx → account and tx → merchant.
/// Planted: amount ≈ balance(account) + ½·risk(merchant); flagged = balance(account) &gt; 0; channel = bucket of risk(merchant).
/// Every target depends only on parent rows, so the model must use Feature attention (F→P) to predict it.
/// Each sequence masks one cell of its seed tx, cycling amount / flagged / channel over the sequences.
/// Deterministic: <c>Next(step)</c> depends only on (seed, step).
/// </summary>
public sealed class SyntheticRelationalTask : IBatchSource
{
    /// <summary>Table ids.</summary>
    public const int AccountTable = 0, MerchantTable = 1, TxTable = 2;
    /// <summary>Column ids.</summary>
    public const int BalanceColumn = 0, RiskColumn = 1, AmountColumn = 2, FlaggedColumn = 3, ChannelColumn = 4;
    /// <summary>Classes of the channel column.</summary>
    public const int ChannelClasses = 3;

    private static readonly string[] Phrases = ["balance of account", "risk of merchant", "amount of tx", "flagged of tx", "channel of tx"];
    private readonly int _batchSize, _sequenceLength, _textDim;
    private readonly long _seed;
    private readonly float[][] _phraseEmbeddings;
    private readonly float[][] _channelEmbeddings;

    /// <summary>Creates the task. <paramref name="sequenceLength"/> ≥ 16 token slots.</summary>
    public SyntheticRelationalTask(int batchSize, int sequenceLength, int textDim, long seed = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(textDim, 1);
        _batchSize = batchSize;
        _sequenceLength = sequenceLength;
        _textDim = textDim;
        _seed = seed;
        _phraseEmbeddings = [.. Phrases.Select(p => TextEmbedding(p, textDim))];
        _channelEmbeddings = [.. Enumerable.Range(0, ChannelClasses).Select(c => TextEmbedding($"channel {c}", textDim))];
    }

    /// <inheritdoc/>
    public ContextBatch Next(int step)
    {
        var builder = new ContextBatchBuilder(_batchSize, _sequenceLength, _textDim);
        var phraseText = _phraseEmbeddings.Select(e => builder.AddText(e)).ToArray();
        var channelText = _channelEmbeddings.Select(e => builder.AddText(e)).ToArray();
        for (int b = 0; b < _batchSize; b++)
        {
            var rng = new Random(HashCode(_seed, step, b));
            builder.StartSequence();
            // a few merchants, then account groups (account + 2..5 tx rows) while they fit
            int merchants = 3;
            var merchantRows = new int[merchants];
            var risks = new double[merchants];
            for (int m = 0; m < merchants; m++)
            {
                risks[m] = Gaussian(rng);
                merchantRows[m] = builder.AddRow(MerchantTable);
                builder.AddCell(merchantRows[m], RiskColumn, phraseText[RiskColumn], TokenType.Number, (float)risks[m]);
            }
            bool seeded = false;
            while (true)
            {
                int txCount = rng.Next(2, 6);
                if (builder.CurrentTokenCount + 1 + 3 * txCount > _sequenceLength) break;
                double balance = Gaussian(rng);
                int accountRow = builder.AddRow(AccountTable);
                builder.AddCell(accountRow, BalanceColumn, phraseText[BalanceColumn], TokenType.Number, (float)balance);
                for (int t = 0; t < txCount; t++)
                {
                    int m = rng.Next(merchants);
                    double amount = (balance + 0.5 * risks[m] + 0.1 * Gaussian(rng)) / 1.1225;   // ≈ unit variance
                    int flagged = balance > 0 ? 1 : 0;
                    int channel = risks[m] < -0.5 ? 0 : risks[m] < 0.5 ? 1 : 2;
                    int row = builder.AddRow(TxTable);
                    builder.AddLink(row, accountRow);
                    builder.AddLink(row, merchantRows[m]);
                    int maskedColumn = seeded ? -1 : AmountColumn + b % 3;
                    seeded = true;
                    builder.AddCell(row, AmountColumn, phraseText[AmountColumn], TokenType.Number, (float)amount, masked: maskedColumn == AmountColumn);
                    builder.AddCell(row, FlaggedColumn, phraseText[FlaggedColumn], TokenType.Boolean, flagged * 2f - 1f, flagged, masked: maskedColumn == FlaggedColumn);
                    builder.AddCell(row, ChannelColumn, phraseText[ChannelColumn], TokenType.Categorical, 0f, channel, channelText[channel], masked: maskedColumn == ChannelColumn);
                }
            }
            if (!seeded) throw new InvalidOperationException($"sequence length {_sequenceLength} is too short for one account group");
        }
        return builder.Build();
    }

    /// <summary>A deterministic unit-length pseudo-embedding of <paramref name="text"/> (stable across processes and platforms).</summary>
    public static float[] TextEmbedding(string text, int dim)
    {
        ulong h = 14695981039346656037UL;   // FNV-1a
        foreach (char c in text) { h ^= c; h *= 1099511628211UL; }
        var rng = new Random(unchecked((int)(h ^ (h >> 32))));
        var v = new float[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) { v[i] = (float)Gaussian(rng); norm += v[i] * (double)v[i]; }
        float inv = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < dim; i++) v[i] *= inv;
        return v;
    }

    private static int HashCode(long seed, int step, int b)
    {
        ulong h = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)step * 0xC2B2AE3D27D4EB4FUL ^ (ulong)b * 0x165667B19E3779F9UL;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 32;
        return unchecked((int)h);
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
