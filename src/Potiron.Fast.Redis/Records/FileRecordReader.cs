using System.Text;
using K4os.Compression.LZ4.Streams;

namespace Potiron.Fast.Redis.Records;

/// <summary>
/// Reads a file's record (<see cref="FileRecordFormat"/>) from the value of its key: the head at once, then the members
/// key by key, decompressed through one buffer. A member's span is valid until the next read.
/// </summary>
public sealed class FileRecordReader : IDisposable
{
    private readonly Stream _decoded;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _ended;
    private int _key = -1;
    private long _membersLeft;

    public FileRecordReader(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            _decoded = LZ4Stream.Decode(new MemoryStream(value, writable: false));
            Header = ReadHeader();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            throw new FileRecordFormatException($"not an LZ4 frame of a record: {e.Message}");
        }
    }

    public FileRecordHeader Header { get; }

    /// <summary>Moves to the next key of <see cref="FileRecordHeader.Keys"/> once the current one's members are read.</summary>
    public bool TryNextKey(out RecordedKey key)
    {
        if (_membersLeft != 0)
            throw new InvalidOperationException("the members of the current key are not all read");
        if (++_key >= Header.Keys.Count)
        {
            if (Fill(1))
                throw new FileRecordFormatException("bytes after the last member");
            key = default;
            return false;
        }
        key = Header.Keys[_key];
        _membersLeft = key.Members;
        return true;
    }

    /// <summary>The next member of the current key and its count; false after the key's last one.</summary>
    public bool TryReadMember(out ReadOnlySpan<byte> member, out long count)
    {
        if (_membersLeft == 0)
        {
            member = default;
            count = 0;
            return false;
        }
        var length = Number();
        if (length > FileRecordFormat.MaxStringLength)
            throw new FileRecordFormatException($"a member of {length} bytes");
        // The member and its count (at most 10 bytes) in the buffer at once: reading the count must not move the member.
        Fill((int)length + 10);
        if (_end - _start < (int)length)
            throw Truncated();
        member = _buffer.AsSpan(_start, (int)length);
        _start += (int)length;
        count = (long)Number();
        _membersLeft--;
        return true;
    }

    public void Dispose() => _decoded.Dispose();

    private FileRecordHeader ReadHeader()
    {
        if (!Fill(4) || !_buffer.AsSpan(_start, 3).SequenceEqual(FileRecordFormat.Magic))
            throw new FileRecordFormatException("no record magic");
        if (_buffer[_start + 3] != FileRecordFormat.Version)
            throw new FileRecordFormatException($"record format {_buffer[_start + 3]}, this version reads {FileRecordFormat.Version}");
        _start += 4;
        var sensor = String();
        var fileName = String();
        var fileNameDay = String();
        var days = Strings();
        var protocols = Strings();
        var keyCount = Count();
        var keys = new RecordedKey[keyCount];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = new RecordedKey(String(), (long)Number());
        return new FileRecordHeader { Sensor = sensor, FileName = fileName, FileNameDay = fileNameDay, Days = days, Protocols = protocols, Keys = keys };
    }

    private string[] Strings()
    {
        var texts = new string[Count()];
        for (var i = 0; i < texts.Length; i++)
            texts[i] = String();
        return texts;
    }

    private int Count()
    {
        var count = Number();
        return count <= FileRecordFormat.MaxStringLength ? (int)count : throw new FileRecordFormatException($"a list of {count} items");
    }

    private string String() => Encoding.UTF8.GetString(Bytes());

    private ReadOnlySpan<byte> Bytes()
    {
        var length = Number();
        if (length > FileRecordFormat.MaxStringLength)
            throw new FileRecordFormatException($"a string of {length} bytes");
        if (!Fill((int)length))
            throw Truncated();
        var bytes = _buffer.AsSpan(_start, (int)length);
        _start += (int)length;
        return bytes;
    }

    private ulong Number()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (!Fill(1))
                throw Truncated();
            var b = _buffer[_start++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        throw new FileRecordFormatException("a number longer than 64 bits");
    }

    /// <summary>At least <paramref name="needed"/> bytes in the buffer; false at the end of the data.</summary>
    private bool Fill(int needed)
    {
        if (_end - _start >= needed)
            return true;
        if (_ended)
            return false;
        if (needed > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
        while (_end < needed)
        {
            var read = _decoded.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _ended = true;
                return false;
            }
            _end += read;
        }
        return true;
    }

    private static FileRecordFormatException Truncated() => new("the record ends in the middle of an item");
}
