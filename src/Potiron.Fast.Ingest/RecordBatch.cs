using Potiron.Fast.Capture;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Ingest;

/// <summary>
/// A run of consecutive records copied out of the reader's buffer, so that several workers can decode one file.
/// Reused through a pool: a file in flight holds a few of them, whatever its size.
/// </summary>
internal sealed class RecordBatch
{
    public const int DefaultCapacity = 1 << 20;
    public const int DefaultMaximumRecords = 16384;

    private readonly int _capacity;
    private byte[] _data;
    private readonly RecordEntry[] _entries;
    private readonly List<int> _deferred = [];

    public RecordBatch(int capacity = DefaultCapacity, int maximumRecords = DefaultMaximumRecords)
    {
        _capacity = capacity;
        _data = new byte[capacity];
        _entries = new RecordEntry[maximumRecords];
    }

    /// <summary>Position of the batch in its file: the fragment lane takes batches in this order.</summary>
    public long Sequence { get; set; }
    public int Count { get; private set; }
    private int _used;

    /// <summary>Indexes of the records a decode lane left for in-order fragment reassembly.</summary>
    public List<int> Deferred => _deferred;

    public ref readonly RecordEntry this[int index] => ref _entries[index];

    public ReadOnlySpan<byte> Data(in RecordEntry entry) => _data.AsSpan(entry.Offset, entry.Length);

    /// <summary>Copies the record in; false when the batch is full (an empty batch grows to take any one record).</summary>
    public bool TryAdd(in CaptureRecord record)
    {
        var length = record.Data.Length;
        if (Count == _entries.Length || _used + length > _data.Length)
        {
            if (Count > 0)
                return false;
            _data = new byte[length];
        }
        record.Data.CopyTo(_data.AsSpan(_used));
        _entries[Count++] = new RecordEntry(_used, length, record.LinkType, record.PrintedSeconds, record.HasTimestamp);
        _used += length;
        return true;
    }

    public void Reset(long sequence)
    {
        Sequence = sequence;
        Count = 0;
        _used = 0;
        _deferred.Clear();
        if (_data.Length > _capacity)
            _data = new byte[_capacity]; // a giant record does not pin its buffer for the rest of the run
    }
}

/// <summary>Where a record sits in its batch, and what the decoder and the calendar need of its header.</summary>
internal readonly record struct RecordEntry(int Offset, int Length, LinkType LinkType, long Seconds, bool HasTimestamp);
