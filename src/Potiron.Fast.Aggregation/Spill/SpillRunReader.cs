using System.Buffers.Binary;

namespace Potiron.Fast.Aggregation.Spill;

/// <summary>Reads a run that <see cref="SpillRunWriter"/> wrote, from its start or from a group's offset.</summary>
internal sealed class SpillRunReader : IDisposable
{
    private readonly FileStream _file;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private readonly string _path;

    public SpillRunReader(string path, long offset = 0)
    {
        _path = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        _file.Position = offset;
    }

    /// <summary>The current group, after <see cref="NextGroup"/> returned true.</summary>
    public SpillGroupKey Group { get; private set; }

    /// <summary>Members of the current group not read yet.</summary>
    public long MembersLeft { get; private set; }

    /// <summary>Moves to the next group header (the current group must be read whole); false at the end of the run.</summary>
    public bool NextGroup()
    {
        if (MembersLeft != 0)
            throw new InvalidOperationException("The current group has members left to read.");
        if (!Fill(20, allowEnd: true))
            return false;
        if (_end - _start < 20)
            throw new InvalidDataException("A spilled run ends inside a group header.");
        var span = _buffer.AsSpan(_start);
        Group = new SpillGroupKey(BinaryPrimitives.ReadInt32LittleEndian(span), BinaryPrimitives.ReadInt32LittleEndian(span[4..]),
            (PotironField)BinaryPrimitives.ReadInt32LittleEndian(span[8..]));
        MembersLeft = BinaryPrimitives.ReadInt64LittleEndian(span[12..]);
        _start += 20;
        return true;
    }

    /// <summary>Reads members one after the other without group headers (a merged run's group, from its offset).</summary>
    public void StartMembers(long members) => MembersLeft = members;

    public SpillMember ReadMember()
    {
        if (MembersLeft == 0)
            throw new InvalidOperationException("The group has no members left.");
        Fill(1 + 3 * 10, allowEnd: true);
        var kind = (SpillMemberKind)_buffer[_start++];
        var high = kind == SpillMemberKind.Ipv6 ? Varint() : 0;
        var low = Varint();
        var count = (long)Varint();
        MembersLeft--;
        return new SpillMember(kind, high, low, count);
    }

    /// <summary>A second reader of the same run at this reader's place, with the current group's members left to read.</summary>
    public SpillRunReader Fork()
    {
        var fork = new SpillRunReader(_path, _file.Position - (_end - _start));
        fork.StartMembers(MembersLeft);
        return fork;
    }

    public void Dispose() => _file.Dispose();

    private ulong Varint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_start == _end)
                throw new InvalidDataException("A spilled run ends inside a number.");
            var b = _buffer[_start++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("A spilled run holds a number longer than 64 bits.");
    }

    /// <summary>Makes <paramref name="bytes"/> available when the file has them; false only at a clean end.</summary>
    private bool Fill(int bytes, bool allowEnd)
    {
        if (_end - _start >= bytes)
            return true;
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
        while (_end < bytes)
        {
            var read = _file.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
                break;
            _end += read;
        }
        if (_end == 0 && allowEnd)
            return false;
        return true;
    }
}
