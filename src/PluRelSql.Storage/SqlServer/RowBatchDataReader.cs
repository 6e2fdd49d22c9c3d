using System.Collections;
using System.Data.Common;
using System.Runtime.CompilerServices;
using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Storage.SqlServer;

/// <summary>A forward-only <see cref="DbDataReader"/> over a table's generated batches, for SqlBulkCopy: it holds
/// one batch at a time and asks for the next only when the current one is read, so a table of any size streams
/// without ever being in memory. Fields are the table's loaded columns in declaration order, named as the table
/// names them; values come as the CLR types SqlBulkCopy sends for the destination columns (see
/// <see cref="SqlValueReader"/>), NULL as <see cref="DBNull"/>.</summary>
public sealed class RowBatchDataReader : DbDataReader
{
    private readonly TableDef _table;
    private readonly IReadOnlyList<ColumnDef> _columns;
    private readonly SqlValueReader[] _readers;
    private readonly Dictionary<string, int> _ordinals;
    private readonly IAsyncEnumerator<RowBatch> _batches;
    private readonly Action<long>? _onBatch;
    private RowBatch? _batch;
    private int _row = -1;
    private bool _closed;

    /// <param name="destinationTypes">Target column name → sys.types name, when the target table is known; values
    /// are then converted for it (a character column receives text, a time column a TimeSpan…).</param>
    /// <param name="onBatch">Called with the rows read so far each time a batch is finished.</param>
    public RowBatchDataReader(TableDef table, IAsyncEnumerable<RowBatch> batches,
        IReadOnlyDictionary<string, string>? destinationTypes = null, Action<long>? onBatch = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(batches);
        _table = table;
        _columns = table.Columns.Where(c => c.IsLoaded).ToList();
        _readers = _columns.Select(c => SqlValueReader.For(table, c,
            destinationTypes is not null && destinationTypes.TryGetValue(c.Name, out var d) ? d : null)).ToArray();
        _ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _columns.Count; i++) _ordinals[_columns[i].Name] = i;
        _batches = batches.GetAsyncEnumerator();
        _onBatch = onBatch;
    }

    /// <summary>Over batches produced on demand (a generator's <c>Batches</c>): the next batch is generated when the
    /// previous one has been read.</summary>
    public RowBatchDataReader(TableDef table, IEnumerable<RowBatch> batches,
        IReadOnlyDictionary<string, string>? destinationTypes = null, Action<long>? onBatch = null)
        : this(table, AsAsync(batches), destinationTypes, onBatch)
    {
    }

    /// <summary>Rows read so far (the last one included).</summary>
    public long RowsRead { get; private set; }

    /// <summary>Rows of the batches taken so far (read or not).</summary>
    public long RowsTaken { get; private set; }

    /// <summary>The column that a failing conversion was on, for error messages.</summary>
    public string? FailedColumn { get; private set; }

    public override int FieldCount => _columns.Count;
    public override int VisibleFieldCount => _columns.Count;
    public override bool HasRows => true;
    public override bool IsClosed => _closed;
    public override int RecordsAffected => -1;
    public override int Depth => 0;

    public override object this[int ordinal] => GetValue(ordinal);
    public override object this[string name] => GetValue(GetOrdinal(name));

    public override string GetName(int ordinal) => _columns[Check(ordinal)].Name;

    public override int GetOrdinal(string name)
    {
        if (_ordinals.TryGetValue(name, out var i)) return i;
        // As other readers do: an exact match first, then one ignoring case.
        for (var k = 0; k < _columns.Count; k++)
            if (string.Equals(_columns[k].Name, name, StringComparison.OrdinalIgnoreCase)) return k;
        throw new IndexOutOfRangeException($"{_table.Name} has no loaded column \"{name}\"");
    }

    public override Type GetFieldType(int ordinal) => _readers[Check(ordinal)].FieldType;

    public override string GetDataTypeName(int ordinal) => _readers[Check(ordinal)].DataTypeName;

    public override bool Read()
    {
        if (Advance()) return true;
        var next = _batches.MoveNextAsync();
        var more = next.IsCompletedSuccessfully ? next.Result : next.AsTask().GetAwaiter().GetResult();
        return Take(more);
    }

    public override async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Advance()) return true;
        return Take(await _batches.MoveNextAsync().ConfigureAwait(false));
    }

    /// <summary>The next row of the current batch, if it has one.</summary>
    private bool Advance()
    {
        if (_closed) throw new InvalidOperationException("the reader is closed");
        if (_batch is null || _row + 1 >= _batch.Count) return false;
        _row++;
        RowsRead++;
        return true;
    }

    private bool Take(bool more)
    {
        while (more)
        {
            if (_batch is not null) _onBatch?.Invoke(RowsRead);
            var batch = _batches.Current;
            Bind(batch);
            _batch = batch;
            RowsTaken += batch.Count;
            _row = -1;
            if (Advance()) return true;
            var next = _batches.MoveNextAsync();
            more = next.IsCompletedSuccessfully ? next.Result : next.AsTask().GetAwaiter().GetResult();
        }
        if (_batch is not null) _onBatch?.Invoke(RowsRead);
        _batch = null;
        return false;
    }

    /// <summary>Checks that a batch is the next slice of this table in the expected shape.</summary>
    private void Bind(RowBatch batch)
    {
        if (batch.Table.Name != _table.Name)
            throw new InvalidOperationException($"a batch of {batch.Table.Name} arrived while reading {_table.Name}");
        if (batch.FirstRow != RowsTaken)
            throw new InvalidOperationException($"batch starts at row {batch.FirstRow}, expected {RowsTaken}");
        if (batch.Columns.Count != _columns.Count)
            throw new InvalidOperationException(
                $"the generator produced {batch.Columns.Count} columns, the table loads {_columns.Count}");
        for (var i = 0; i < _readers.Length; i++)
        {
            var v = batch.Columns[i];
            if (v.Column.Name != _columns[i].Name)
                throw new InvalidOperationException(
                    $"generated column {i} is \"{v.Column.Name}\", expected \"{_columns[i].Name}\" of {_table.Name}");
            if (v.Count < batch.Count)
                throw new InvalidOperationException($"column {v.Column.Name} holds {v.Count} values for {batch.Count} rows");
            _readers[i].Bind(v);
        }
    }

    private int Check(int ordinal)
    {
        if ((uint)ordinal >= (uint)_columns.Count)
            throw new IndexOutOfRangeException($"field {ordinal} is out of range (the reader has {_columns.Count})");
        return ordinal;
    }

    private int Row
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_batch is null || _row < 0) throw new InvalidOperationException("no current row: call Read first");
            return _row;
        }
    }

    public override bool IsDBNull(int ordinal) => _readers[Check(ordinal)].IsNull(Row);

    public override object GetValue(int ordinal)
    {
        var reader = _readers[Check(ordinal)];
        try
        {
            return reader.GetValue(Row);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            FailedColumn = reader.Column.Name;
            throw new LoadException(
                $"{LoadException.DisplayName(_table.Name)}: row {RowsRead}, column {reader.Column.Name} ({reader.Column.Type}): {e.Message}",
                _table.Name, reader.Column.Name, inner: e);
        }
    }

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = Math.Min(values.Length, _readers.Length);
        for (var i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    /// <summary>Typed access without boxing when <typeparamref name="T"/> is the field's type.</summary>
    public override T GetFieldValue<T>(int ordinal)
    {
        var reader = _readers[Check(ordinal)];
        var row = Row;
        if (reader.IsNull(row))
            throw new InvalidCastException($"{_table.Name}.{reader.Column.Name} is NULL in row {RowsRead}");
        if (reader is SqlValueReader<T> typed) return typed.Get(row);
        // Streaming readers of a max or xml column may ask for the value as a stream instead of the value itself.
        if (typeof(T) == typeof(TextReader) && reader is SqlValueReader<string> text) return (T)(object)new StringReader(text.Get(row));
        if (typeof(T) == typeof(Stream) && reader is SqlValueReader<byte[]> bytes) return (T)(object)new MemoryStream(bytes.Get(row), writable: false);
        if (typeof(T) == typeof(System.Xml.XmlReader) && reader is SqlValueReader<string> xml)
            return (T)(object)System.Xml.XmlReader.Create(new StringReader(xml.Get(row)));
        var value = GetValue(ordinal);
        return value is T t ? t : throw new InvalidCastException(
            $"{_table.Name}.{reader.Column.Name} is read as {reader.FieldType.Name}, not {typeof(T).Name}");
    }

    public override bool GetBoolean(int ordinal) => GetFieldValue<bool>(ordinal);
    public override byte GetByte(int ordinal) => GetFieldValue<byte>(ordinal);
    public override char GetChar(int ordinal) => GetFieldValue<char>(ordinal);
    public override DateTime GetDateTime(int ordinal) => GetFieldValue<DateTime>(ordinal);
    public override decimal GetDecimal(int ordinal) => GetFieldValue<decimal>(ordinal);
    public override double GetDouble(int ordinal) => GetFieldValue<double>(ordinal);
    public override float GetFloat(int ordinal) => GetFieldValue<float>(ordinal);
    public override Guid GetGuid(int ordinal) => GetFieldValue<Guid>(ordinal);
    public override short GetInt16(int ordinal) => GetFieldValue<short>(ordinal);
    public override int GetInt32(int ordinal) => GetFieldValue<int>(ordinal);
    public override long GetInt64(int ordinal) => GetFieldValue<long>(ordinal);
    public override string GetString(int ordinal) => GetFieldValue<string>(ordinal);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var bytes = GetFieldValue<byte[]>(ordinal);
        if (buffer is null) return bytes.Length;
        var n = (int)Math.Max(0, Math.Min(length, bytes.Length - dataOffset));
        if (n > 0) Array.Copy(bytes, dataOffset, buffer, bufferOffset, n);
        return n;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var s = GetFieldValue<string>(ordinal);
        if (buffer is null) return s.Length;
        var n = (int)Math.Max(0, Math.Min(length, s.Length - dataOffset));
        if (n > 0) s.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    // SqlBulkCopy with EnableStreaming reads (n)varchar(max) / varbinary(max) targets through these.
    public override Stream GetStream(int ordinal) =>
        IsDBNull(ordinal) ? new MemoryStream([], writable: false) : new MemoryStream(GetFieldValue<byte[]>(ordinal), writable: false);

    public override TextReader GetTextReader(int ordinal) =>
        new StringReader(IsDBNull(ordinal) ? "" : GetFieldValue<string>(ordinal));

    public override bool NextResult() => false;

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    public override void Close()
    {
        if (_closed) return;
        _closed = true;
        var done = _batches.DisposeAsync();
        if (!done.IsCompletedSuccessfully) done.AsTask().GetAwaiter().GetResult();
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            _closed = true;
            await _batches.DisposeAsync().ConfigureAwait(false);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    private static async IAsyncEnumerable<RowBatch> AsAsync(IEnumerable<RowBatch> batches)
    {
        foreach (var b in batches)
        {
            yield return b;
            await Task.CompletedTask.ConfigureAwait(false);
        }
    }
}
