using System.Buffers;
using System.Text;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// Increments for one sorted set: <c>{sensor}:{day}:{field}</c>, or <c>{sensor}:{protocol}:{day}:{field}</c>
/// when <see cref="ProtocolName"/> is set (combined keys). Each member appears once in a group.
/// </summary>
/// <remarks>
/// A group made by the count tables writes its members straight from the counters (<see cref="WriteMembers"/>); one
/// made from a list (tests, embedders) writes that list. <see cref="Members"/> turns either into strings, for callers
/// that want them and can afford one string per member.
/// </remarks>
public sealed class CountGroup
{
    private readonly Action<IMemberWriter>? _write;
    private readonly IReadOnlyList<MemberCount>? _members;

    public CountGroup(string day, string? protocolName, PotironField field, IReadOnlyList<MemberCount> members)
    {
        ArgumentNullException.ThrowIfNull(day);
        ArgumentNullException.ThrowIfNull(members);
        Day = day;
        ProtocolName = protocolName;
        Field = field;
        _members = members;
        MemberCount = members.Count;
        long total = 0;
        foreach (var member in members)
            total += member.Count;
        Total = total;
    }

    /// <summary>A group whose members <paramref name="write"/> produces on demand (the count tables, a merged spill).</summary>
    internal CountGroup(string day, string? protocolName, PotironField field, long memberCount, long total, Action<IMemberWriter> write)
    {
        Day = day;
        ProtocolName = protocolName;
        Field = field;
        _write = write;
        MemberCount = memberCount;
        Total = total;
    }

    /// <summary>YYYYMMDD.</summary>
    public string Day { get; }

    /// <summary>The protocol name of a combined key; null for a simple key.</summary>
    public string? ProtocolName { get; }

    public PotironField Field { get; }

    /// <summary>Distinct members, known without writing them.</summary>
    public long MemberCount { get; }

    /// <summary>The sum of the increments.</summary>
    public long Total { get; }

    /// <summary>Writes every member and its increment, in a stable order (the counters' order for table-backed groups).</summary>
    public void WriteMembers(IMemberWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_write is not null)
            _write(writer);
        else
            WriteList(_members!, writer);
    }

    /// <summary>The members as strings (one allocation per member: for tests and small groups).</summary>
    public IReadOnlyList<MemberCount> Members
    {
        get
        {
            if (_members is not null)
                return _members;
            var collector = new MemberCollector((int)Math.Min(MemberCount, int.MaxValue));
            WriteMembers(collector);
            return collector.Members;
        }
    }

    private static void WriteList(IReadOnlyList<MemberCount> members, IMemberWriter writer)
    {
        Span<byte> text = stackalloc byte[MemberText.MaxUtf8Length];
        foreach (var member in members)
        {
            var length = Encoding.UTF8.GetMaxByteCount(member.Member.Length);
            if (length <= text.Length)
            {
                writer.Write(text[..Encoding.UTF8.GetBytes(member.Member, text)], member.Count);
                continue;
            }
            var rented = ArrayPool<byte>.Shared.Rent(length);
            writer.Write(rented.AsSpan(0, Encoding.UTF8.GetBytes(member.Member, rented)), member.Count);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

/// <summary>Collects written members as strings.</summary>
internal sealed class MemberCollector(int capacity) : IMemberWriter
{
    public List<MemberCount> Members { get; } = new(capacity);

    public void Write(ReadOnlySpan<byte> member, long count) => Members.Add(new MemberCount(Encoding.UTF8.GetString(member), count));
}
