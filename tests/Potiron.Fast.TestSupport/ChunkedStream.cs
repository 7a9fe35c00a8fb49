namespace Potiron.Fast.TestSupport;

/// <summary>
/// A read-only, non-seekable stream over a byte array that never returns more than the current chunk in one read:
/// chunks of given sizes (cycled), or cut at given offsets. Lets a test split input at every byte, the way a pipe
/// or a slow disk would.
/// </summary>
public sealed class ChunkedStream : Stream
{
    private readonly byte[] _data;
    private readonly int[] _chunkSizes;
    private int _position;
    private int _chunk;
    private int _leftInChunk;
    private readonly bool _cycle;

    /// <summary>Reads of <paramref name="chunkSizes"/> bytes in turn, cycling (1 gives 1-byte reads).</summary>
    public ChunkedStream(byte[] data, params int[] chunkSizes)
        : this(data, chunkSizes, cycle: true)
    {
    }

    private ChunkedStream(byte[] data, int[] chunkSizes, bool cycle)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (chunkSizes.Length == 0 || chunkSizes.Any(size => size <= 0))
        {
            throw new ArgumentException("chunk sizes must be positive", nameof(chunkSizes));
        }

        _data = data;
        _chunkSizes = chunkSizes;
        _leftInChunk = chunkSizes[0];
        _cycle = cycle;
    }

    /// <summary>Reads that stop at each of the given offsets (ascending, inside the data).</summary>
    public static ChunkedStream SplitAt(byte[] data, params int[] offsets)
    {
        var sizes = new List<int>();
        int previous = 0;
        foreach (int offset in offsets.Where(o => o > 0 && o < data.Length).Distinct().Order())
        {
            sizes.Add(offset - previous);
            previous = offset;
        }

        // Past the last cut, the remainder comes in reads as large as the reader asks for.
        sizes.Add(int.MaxValue);
        return new ChunkedStream(data, [.. sizes], cycle: false);
    }

    /// <summary>How many Read calls returned data.</summary>
    public int ReadCount { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _data.Length || buffer.IsEmpty)
        {
            return 0;
        }

        int count = Math.Min(Math.Min(buffer.Length, _leftInChunk), _data.Length - _position);
        _data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        _leftInChunk -= count;
        if (_leftInChunk == 0)
        {
            _chunk = _cycle ? (_chunk + 1) % _chunkSizes.Length : Math.Min(_chunk + 1, _chunkSizes.Length - 1);
            _leftInChunk = _chunkSizes[_chunk];
        }

        ReadCount++;
        return count;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
