using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// What the tables' walk over one group's counters hands out: each non-zero count with its value still typed, so that
/// counting members costs no text (<see cref="MemberTally"/>) and writing them formats straight into a buffer
/// (<see cref="MemberTextWriter"/>). Structs, so that the walk is specialised for each.
/// </summary>
internal interface IMemberVisitor
{
    /// <summary>A decimal member: a small value, an unsigned 32-bit one, or -1 for absent.</summary>
    void Decimal(long value, uint count);

    /// <summary>An <c>iptos</c> member; -1 for absent.</summary>
    void Tos(int value, uint count);

    void Ipv4(uint address, uint count);

    void Ipv6(Ipv6Address address, uint count);
}

/// <summary>Counts members and sums their counts.</summary>
internal struct MemberTally : IMemberVisitor
{
    public long Members;
    public long Total;

    public void Decimal(long value, uint count) => Add(count);
    public void Tos(int value, uint count) => Add(count);
    public void Ipv4(uint address, uint count) => Add(count);
    public void Ipv6(Ipv6Address address, uint count) => Add(count);

    private void Add(uint count)
    {
        Members++;
        Total += count;
    }
}

/// <summary>Formats each member as potiron's text (<see cref="MemberText"/>) and hands it to an <see cref="IMemberWriter"/>.</summary>
internal readonly struct MemberTextWriter(IMemberWriter writer) : IMemberVisitor
{
    public void Decimal(long value, uint count)
    {
        Span<byte> text = stackalloc byte[MemberText.MaxUtf8Length];
        writer.Write(text[..MemberText.WriteDecimal(value, text)], count);
    }

    public void Tos(int value, uint count)
    {
        Span<byte> text = stackalloc byte[MemberText.MaxUtf8Length];
        writer.Write(text[..MemberText.WriteTos(value, text)], count);
    }

    public void Ipv4(uint address, uint count)
    {
        Span<byte> text = stackalloc byte[MemberText.MaxUtf8Length];
        writer.Write(text[..MemberText.WriteIpv4(address, text)], count);
    }

    public void Ipv6(Ipv6Address address, uint count)
    {
        Span<byte> text = stackalloc byte[MemberText.MaxUtf8Length];
        writer.Write(text[..MemberText.WriteIpv6(address, text)], count);
    }
}
