using System.Buffers.Binary;

namespace Potiron.Fast.Aggregation.Spill;

/// <summary>
/// Writes one sorted run: groups in <see cref="SpillGroupKey"/> order, each a header (day, protocol, field, member
/// count) and its members in <see cref="SpillMember"/> order as varints. Through one buffer.
/// </summary>
internal sealed class SpillRunWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private long _membersLeft;

    public SpillRunWriter(string path)
    {
        Path = path;
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan);
    }

    public string Path { get; }

    /// <summary>Bytes written so far (the run's size once disposed).</summary>
    public long Position => _file.Position + _length;

    public void BeginGroup(SpillGroupKey key, long members)
    {
        if (_membersLeft != 0)
            throw new InvalidOperationException("The previous group has members left to write.");
        Ensure(32);
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt32LittleEndian(span, key.Day);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], key.Protocol);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], (int)key.Field);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], members);
        _length += 20;
        _membersLeft = members;
    }

    public void Member(in SpillMember member)
    {
        Ensure(1 + 3 * 10);
        _buffer[_length++] = (byte)member.Kind;
        if (member.Kind == SpillMemberKind.Ipv6)
            Varint(member.High);
        Varint(member.Low);
        Varint((ulong)member.Count);
        _membersLeft--;
    }

    /// <summary>Members still announced by the current group's header.</summary>
    public long MembersLeft => _membersLeft;

    public void Dispose()
    {
        if (_length > 0)
            _file.Write(_buffer, 0, _length);
        _length = 0;
        _file.Dispose();
    }

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    private void Ensure(int bytes)
    {
        if (_buffer.Length - _length >= bytes)
            return;
        _file.Write(_buffer, 0, _length);
        _length = 0;
    }
}
