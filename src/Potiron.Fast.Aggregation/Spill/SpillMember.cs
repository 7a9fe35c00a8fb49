using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Spill;

/// <summary>
/// A member as a spilled run holds it: typed, not text, so that runs sort and merge by value. Numbers are stored plus
/// one (absent, -1, becomes 0), IPv4 before IPv6 in an address field.
/// </summary>
internal readonly record struct SpillMember(SpillMemberKind Kind, ulong High, ulong Low, long Count) : IComparable<SpillMember>
{
    public static SpillMember Number(long value, long count) => new(SpillMemberKind.Number, 0, (ulong)(value + 1), count);

    public static SpillMember Ipv4(uint address, long count) => new(SpillMemberKind.Ipv4, 0, address, count);

    public static SpillMember Ipv6(Ipv6Address address, long count) => new(SpillMemberKind.Ipv6, address.High, address.Low, count);

    /// <summary>Orders by value only (not count): the order of every run and of the merge.</summary>
    public int CompareTo(SpillMember other)
    {
        if (Kind != other.Kind)
            return Kind.CompareTo(other.Kind);
        var high = High.CompareTo(other.High);
        return high != 0 ? high : Low.CompareTo(other.Low);
    }

    public bool SameValue(SpillMember other) => Kind == other.Kind && High == other.High && Low == other.Low;

    /// <summary>Writes potiron's text of this member of <paramref name="field"/>; returns the bytes written.</summary>
    public int WriteText(PotironField field, Span<byte> destination) => Kind switch
    {
        SpillMemberKind.Number when field == PotironField.IpTos => MemberText.WriteTos((int)((long)Low - 1), destination),
        SpillMemberKind.Number => MemberText.WriteDecimal((long)Low - 1, destination),
        SpillMemberKind.Ipv4 => MemberText.WriteIpv4((uint)Low, destination),
        _ => MemberText.WriteIpv6(new Ipv6Address(High, Low), destination),
    };
}

internal enum SpillMemberKind : byte
{
    Number,
    Ipv4,
    Ipv6,
}

/// <summary>Which sorted set a spilled group belongs to; runs hold their groups in this order.</summary>
internal readonly record struct SpillGroupKey(int Day, int Protocol, PotironField Field) : IComparable<SpillGroupKey>
{
    public int CompareTo(SpillGroupKey other)
    {
        var day = Day.CompareTo(other.Day);
        if (day != 0)
            return day;
        var protocol = Protocol.CompareTo(other.Protocol);
        return protocol != 0 ? protocol : Field.CompareTo(other.Field);
    }
}
