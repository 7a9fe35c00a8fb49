using System.Buffers;
using System.Text;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using Potiron.Fast.Aggregation;

namespace Potiron.Fast.Redis.Records;

/// <summary>
/// Builds a file's record (<see cref="FileRecordFormat"/>) while the commit streams the members, compressed as it goes:
/// the commit takes the compressed bytes in chunks (<see cref="PendingBytes"/>) and sends each as an APPEND inside the
/// same transaction, so the record costs the memory of a chunk whatever the number of members.
/// </summary>
internal sealed class FileRecordWriter : IDisposable
{
    private const int StagingSize = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _compressed = new(FileRecordFormat.ChunkSize + StagingSize);
    private readonly LZ4EncoderStream _encoder;
    private readonly byte[] _staging = ArrayPool<byte>.Shared.Rent(StagingSize);
    private int _staged;
    private bool _finished;

    /// <summary>Starts the record of <paramref name="counts"/>: the head, with the keys in the order of its groups.</summary>
    public FileRecordWriter(FileCounts counts, IReadOnlyList<string> keys)
    {
        _encoder = LZ4Stream.Encode(new BufferWriterStream(_compressed), new LZ4EncoderSettings { CompressionLevel = LZ4Level.L00_FAST }, leaveOpen: false);
        Raw(FileRecordFormat.Magic);
        Raw([FileRecordFormat.Version]);
        String(counts.Sensor);
        String(counts.FileName);
        String(counts.FileNameDay);
        Strings(counts.Days);
        Strings(counts.Protocols);
        Number((ulong)keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            String(keys[i]);
            Number((ulong)counts.Groups[i].MemberCount);
        }
    }

    /// <summary>Compressed bytes not handed out yet.</summary>
    public int Pending => _compressed.WrittenCount;

    /// <summary>Appends one member of the current key (members follow in the order of the head's keys).</summary>
    public void Member(ReadOnlySpan<byte> member, long count)
    {
        if (StagingSize - _staged < member.Length + 20)
            Stage();
        Number((ulong)member.Length);
        Raw(member);
        Number((ulong)count);
    }

    /// <summary>A chunk's worth of compressed bytes is waiting (or the record is finished and bytes are left).</summary>
    public bool ChunkReady => _compressed.WrittenCount > 0 && (_finished || _compressed.WrittenCount >= FileRecordFormat.ChunkSize);

    /// <summary>The compressed bytes not sent yet; valid until the next member or <see cref="ClearPending"/>.</summary>
    public ReadOnlySpan<byte> PendingBytes => _compressed.WrittenSpan;

    /// <summary>The pending bytes were sent: the buffer is used again, so the record costs a chunk of memory.</summary>
    public void ClearPending() => _compressed.ResetWrittenCount();

    /// <summary>Ends the LZ4 frame; what is left is then in <see cref="PendingBytes"/>.</summary>
    public void Finish()
    {
        Stage();
        _encoder.Dispose();
        _finished = true;
    }

    public void Dispose()
    {
        if (!_finished)
            _encoder.Dispose();
        ArrayPool<byte>.Shared.Return(_staging);
    }

    private void Stage()
    {
        if (_staged == 0)
            return;
        _encoder.Write(_staging, 0, _staged);
        _staged = 0;
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > StagingSize - _staged)
        {
            Stage();
            if (bytes.Length > StagingSize)
            {
                _encoder.Write(bytes);
                return;
            }
        }
        bytes.CopyTo(_staging.AsSpan(_staged));
        _staged += bytes.Length;
    }

    private void Number(ulong value)
    {
        if (StagingSize - _staged < 10)
            Stage();
        while (value >= 0x80)
        {
            _staging[_staged++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _staging[_staged++] = (byte)value;
    }

    private void String(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Number((ulong)bytes.Length);
        Raw(bytes);
    }

    private void Strings(IReadOnlyList<string> texts)
    {
        Number((ulong)texts.Count);
        foreach (var text in texts)
            String(text);
    }

    /// <summary>The encoder's output, collected for the next APPEND.</summary>
    private sealed class BufferWriterStream(ArrayBufferWriter<byte> target) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => target.Write(buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
