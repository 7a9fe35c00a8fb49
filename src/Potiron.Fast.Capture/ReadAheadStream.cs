using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Potiron.Fast.Capture;

/// <summary>
/// Reads another stream on a thread of its own, a few 256 KiB chunks ahead of its reader: decompressing a gzip, lz4 or
/// zstd capture then runs on one core while the records are decoded on another. A failure of the inner stream reaches
/// the reader after all the data read before it. Intact and cleanly read streams give exactly what a direct read gives;
/// on damaged data a codec reports the damage per read call, so the last records kept before the warning may differ
/// from a direct read's by what one 64 KiB read decodes (never a record that is not in the data).
/// Memory: at most <see cref="Chunks"/> + 1 chunks.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    private const int ChunkSize = 256 << 10;
    private const int Chunks = 4;
    private const int InnerReadLength = 64 << 10;

    private readonly Stream _inner;
    private readonly BlockingCollection<Chunk> _ready = new(Chunks);
    private readonly ConcurrentBag<byte[]> _free = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private Chunk? _current;
    private int _offset;

    public ReadAheadStream(Stream inner)
    {
        _inner = inner;
        _thread = new Thread(static state => ((ReadAheadStream)state!).ReadAll()) { IsBackground = true, Name = "potiron read-ahead" };
        _thread.UnsafeStart(this);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        while (_current is null || _offset == _current.Length)
        {
            if (_current is { IsEnd: true })
                return 0;
            if (_current?.Buffer is { } used)
                _free.Add(used);
            _current = _ready.Take();
            _offset = 0;
            _current.Failure?.Throw();
        }
        var length = Math.Min(buffer.Length, _current.Length - _offset);
        _current.Buffer.AsSpan(_offset, length).CopyTo(buffer);
        _offset += length;
        return length;
    }

    private void ReadAll()
    {
        try
        {
            while (true)
            {
                var buffer = _free.TryTake(out var reused) ? reused : new byte[ChunkSize];
                var filled = 0;
                Exception? failure = null;
                try
                {
                    // Reads of the size a direct reader asks for, so that a codec reports damage at about the same place.
                    while (filled < buffer.Length)
                    {
                        var read = _inner.Read(buffer, filled, Math.Min(InnerReadLength, buffer.Length - filled));
                        if (read == 0)
                            break;
                        filled += read;
                    }
                }
                catch (Exception exception)
                {
                    failure = exception;
                }
                // What was read before a failure is delivered first, as a direct read would have returned it.
                if (filled > 0)
                    _ready.Add(new Chunk(buffer, filled, null), _stop.Token);
                if (failure is not null)
                {
                    _ready.Add(new Chunk([], 0, ExceptionDispatchInfo.Capture(failure)), _stop.Token);
                    return;
                }
                if (filled < buffer.Length)
                {
                    _ready.Add(Chunk.End, _stop.Token);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The reader is gone.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            // A file read returns soon; the inner stream is disposed only once the thread no longer uses it.
            if (_thread.Join(TimeSpan.FromSeconds(30)))
            {
                _inner.Dispose();
                _ready.Dispose();
                _stop.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private sealed record Chunk(byte[] Buffer, int Length, ExceptionDispatchInfo? Failure)
    {
        public static readonly Chunk End = new([], 0, null);

        public bool IsEnd => ReferenceEquals(this, End);
    }
}
