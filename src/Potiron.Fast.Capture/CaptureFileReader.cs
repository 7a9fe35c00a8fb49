using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Potiron.Fast.Capture;

/// <summary>
/// Reads the packet records of one capture file or stream, whatever its container (pcap, nanosecond pcap, pcapng)
/// and compression (gzip, lz4, zstd), all recognised by magic bytes. Pumps the stream into one pooled buffer and
/// lets the span readers parse it in place; records are views into that buffer, valid until the next read.
/// Never throws for bad content: what goes wrong is a <see cref="Problem"/> (fatal) or a warning.
/// </summary>
public sealed class CaptureFileReader : IDisposable
{
    private const int InitialBufferLength = 1 << 20;

    /// <summary>
    /// Reads from a decompressing stream ask for no more than this: a codec that finds damage throws away the output
    /// of the whole read it was in, so smaller reads keep more of the records before the damage.
    /// </summary>
    private const int DecompressedReadLength = 64 << 10;

    private readonly string _displayName;
    private CountingStream? _raw;
    private bool _readAhead;
    private Stream? _source;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfStream;
    private bool _finished;
    private bool _endedByCompressionError;
    private PcapReaderState _pcap;
    private PcapngReaderState _pcapng;
    private List<CaptureProblem>? _warnings;

    private CaptureFileReader(string displayName)
    {
        _displayName = displayName;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferLength);
    }

    /// <summary>The file name given to <see cref="Open(string)"/>, or the display name given with a stream.</summary>
    public string DisplayName => _displayName;

    public CaptureContainer Container { get; private set; }

    public CaptureCompression Compression { get; private set; }

    /// <summary>The problem that stopped reading before its end, or null.</summary>
    public CaptureProblem? Problem { get; private set; }

    /// <summary>Problems after which the records before them still count: a truncated last record, a compressed
    /// stream that ends early, an empty file.</summary>
    public IReadOnlyList<CaptureProblem> Warnings => (IReadOnlyList<CaptureProblem>?)_warnings ?? [];

    /// <summary>Bytes read from the file or stream as stored (compressed, if it is); still there after Dispose, like
    /// <see cref="Problem"/> (the split ingest reports a file once its reader is closed).</summary>
    public long CompressedBytesRead => _raw?.BytesRead ?? _compressedBytesReadAtDispose;

    private long _compressedBytesReadAtDispose;

    /// <summary>Bytes of capture data read (after decompression).</summary>
    public long BytesRead { get; private set; }

    /// <summary>How many packet records have been returned.</summary>
    public long RecordsRead => Container == CaptureContainer.Pcapng ? _pcapng.recordIndex : _pcap.recordIndex;

    /// <summary>Opens a file; a missing or unreadable file gives a reader whose <see cref="Problem"/> says so.</summary>
    /// <param name="readAhead">
    /// The file is read on a thread of its own, ahead of the records: a second core runs the codec of a compressed file,
    /// or the kernel's copy of a plain one (a quarter of a byte-heavy read). The records, problems and offsets are the same.
    /// </param>
    public static CaptureFileReader Open(string path, bool readAhead = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Open(path, () => OpenFile(path), readAhead);
    }

    // No FileStream buffer: we read in large blocks into our own buffer already.
    internal static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);

    /// <summary>
    /// Opens the file that <paramref name="open"/> opens, named <paramref name="path"/> in messages (a name with its
    /// control characters escaped, or a name that is not valid UTF-8, opened by its bytes).
    /// </summary>
    internal static CaptureFileReader Open(string path, Func<Stream> open, bool readAhead = false)
    {
        var reader = new CaptureFileReader(path) { _readAhead = readAhead };
        Stream file;
        try
        {
            file = open();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            reader.SetFatal(new CaptureProblem(path, 0, -1, CaptureProblemKind.IoError, $"cannot open {path}: {exception.Message}", IsFatal: true));
            return reader;
        }

        reader.Start(file);
        return reader;
    }

    /// <summary>Reads from a stream that need not seek (standard input); the reader disposes it.</summary>
    public static CaptureFileReader Open(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        var reader = new CaptureFileReader(displayName);
        reader.Start(stream);
        return reader;
    }

    /// <summary>
    /// Reads the next packet record. False at the clean end of the data, or when a problem stops reading
    /// (then see <see cref="Problem"/> and <see cref="Warnings"/>).
    /// </summary>
    public bool TryRead(out CaptureRecord record)
    {
        if (!_finished && Container is CaptureContainer.Pcap or CaptureContainer.PcapNanosecond
            && PcapReader.TryReadWhole(_buffer.AsSpan(_start, _end - _start), ref _pcap, out record, out int length))
        {
            _start += length;
            return true;
        }

        while (!_finished)
        {
            bool found;
            CaptureReadStop stop;
            int needed;
            CaptureReadFailure failure;
            ReadOnlySpan<byte> data = _buffer.AsSpan(_start, _end - _start);
            if (Container == CaptureContainer.Pcapng)
            {
                var reader = new PcapngReader(data, _endOfStream, _pcapng);
                found = reader.TryRead(out record);
                _start += (int)reader.BytesConsumed;
                _pcapng = reader.CurrentState;
                (stop, needed, failure) = (reader.Stop, reader.BytesNeeded, reader.Failure);
            }
            else
            {
                var reader = new PcapReader(data, _endOfStream, _pcap);
                found = reader.TryRead(out record);
                _start += (int)reader.BytesConsumed;
                _pcap = reader.CurrentState;
                (stop, needed, failure) = (reader.Stop, reader.BytesNeeded, reader.Failure);
            }

            if (found)
            {
                return true;
            }

            switch (stop)
            {
                case CaptureReadStop.NeedMoreData:
                    Refill(needed);
                    break;
                case CaptureReadStop.Failed:
                    _finished = true;
                    // When the decompressor gave up, the cut record is a consequence already reported.
                    if (failure.IsFatal)
                    {
                        Problem = failure.ToProblem(_displayName);
                    }
                    else if (!(_endedByCompressionError && failure.Kind == CaptureProblemKind.TruncatedRecord))
                    {
                        AddWarning(failure.ToProblem(_displayName));
                    }

                    break;
                default:
                    _finished = true;
                    break;
            }
        }

        record = default;
        return false;
    }

    public void Dispose()
    {
        _finished = true;
        _source?.Dispose();
        _source = null;
        if (_raw is not null)
            _compressedBytesReadAtDispose = _raw.BytesRead;
        _raw = null;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    [MemberNotNull(nameof(_raw))]
    private void Start(Stream stream)
    {
        _raw = new CountingStream(stream);
        _source = _raw;
        byte[] magic = new byte[CompressedInput.MagicLength];
        int magicLength;
        try
        {
            magicLength = ReadAtLeast(_raw, magic);
        }
        catch (IOException exception)
        {
            SetFatal(new CaptureProblem(_displayName, 0, -1, CaptureProblemKind.IoError, $"cannot read {_displayName}: {exception.Message}", IsFatal: true));
            return;
        }

        Compression = CompressedInput.Detect(magic.AsSpan(0, magicLength));
        if (Compression == CaptureCompression.None)
        {
            magic.AsSpan(0, magicLength).CopyTo(_buffer);
            _end = magicLength;
            BytesRead = magicLength;
            _endOfStream = magicLength < magic.Length;
            if (_readAhead)
                _source = new ReadAheadStream(_raw);
        }
        else
        {
            _source = CompressedInput.Decompress(Compression, new PrefixedStream(magic, magicLength, _raw));
            if (_readAhead)
                _source = new ReadAheadStream(_source);
        }

        // Enough decompressed bytes to recognise the container.
        while (!_endOfStream && _end < CompressedInput.MagicLength)
        {
            Fill();
        }

        if (_finished)
        {
            return;
        }

        ReadOnlySpan<byte> start = _buffer.AsSpan(0, _end);
        if (start.IsEmpty)
        {
            // tshark opens an empty file as an empty ERF capture, without complaint.
            Container = CaptureContainer.Empty;
            _finished = true;
            if (Problem is null && _warnings is null)
            {
                AddWarning(new CaptureProblem(_displayName, 0, -1, CaptureProblemKind.Empty, "the file is empty", IsFatal: false));
            }
        }
        else if (PcapngReader.StartsWithMagic(start))
        {
            Container = CaptureContainer.Pcapng;
        }
        else if (PcapReader.StartsWithMagic(start, out bool nanosecond))
        {
            Container = nanosecond ? CaptureContainer.PcapNanosecond : CaptureContainer.Pcap;
        }
        else
        {
            Container = CaptureContainer.Unknown;
            SetFatal(new CaptureProblem(_displayName, 0, -1, CaptureProblemKind.UnknownFormat,
                $"not a pcap or pcapng capture (starts with {Convert.ToHexString(start[..Math.Min(4, start.Length)])})", IsFatal: true));
        }
    }

    private static int ReadAtLeast(Stream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = stream.Read(destination[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Makes room for <paramref name="needed"/> contiguous bytes and reads more. The buffer grows only when it
    /// is full and still too small, and then at most twice over, so that a length field that lies about a block at the
    /// end of a short file costs no more memory than the file itself.</summary>
    private void Refill(int needed)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (needed > _buffer.Length && _end == _buffer.Length)
        {
            int length = (int)Math.Min(needed, 2L * _buffer.Length);
            byte[] larger = ArrayPool<byte>.Shared.Rent(length);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        Fill();
    }

    private void Fill()
    {
        if (_source is null || _endOfStream)
        {
            _endOfStream = true;
            return;
        }

        int read;
        try
        {
            int length = _buffer.Length - _end;
            read = _source.Read(_buffer, _end, Compression == CaptureCompression.None ? length : Math.Min(length, DecompressedReadLength));
        }
        catch (Exception exception) when (Compression != CaptureCompression.None && CompressedInput.IsDecompressionFailure(exception, _raw!))
        {
            OnCompressionError(exception.Message);
            return;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException || _raw!.ReadFailed)
        {
            SetFatal(new CaptureProblem(_displayName, BytesRead, RecordsRead, CaptureProblemKind.IoError,
                $"reading {_displayName} failed: {exception.Message}", IsFatal: true));
            return;
        }

        if (read == 0)
        {
            _endOfStream = true;
            if (Compression == CaptureCompression.Gzip
                && !CompressedInput.GzipLooksComplete(_raw!.Tail, _raw.BytesRead, BytesRead))
            {
                OnCompressionError("the gzip stream ends early (no trailer matches the data)");
            }

            return;
        }

        _end += read;
        BytesRead += read;
    }

    private void OnCompressionError(string message)
    {
        _endOfStream = true;
        _endedByCompressionError = true;
        var problem = new CaptureProblem(_displayName, BytesRead, RecordsRead, CaptureProblemKind.CompressionError,
            $"{Compression} data damaged or cut short after {BytesRead} decompressed bytes: {message}", IsFatal: false);
        // Before the container header there is nothing to salvage.
        if (Container == CaptureContainer.Unknown && _end < CompressedInput.MagicLength)
        {
            SetFatal(problem with { IsFatal = true });
        }
        else
        {
            AddWarning(problem);
        }
    }

    private void SetFatal(CaptureProblem problem)
    {
        Problem ??= problem;
        _finished = true;
        _endOfStream = true;
    }

    private void AddWarning(CaptureProblem problem) => (_warnings ??= []).Add(problem);
}
