namespace Potiron.Fast.Aggregation;

/// <summary>What a set of count tables counts: the selected fields, the port rule, the key style and IPv6.
/// Two tables merge only when their layouts are equal.</summary>
internal readonly record struct CountLayout(
    uint FieldMask,
    bool TcpSourcePort,
    bool UdpSourcePort,
    bool TcpDestinationPort,
    bool UdpDestinationPort,
    bool CombinedKeys,
    bool Ipv6)
{
    public static CountLayout From(FieldSelection selection, bool combinedKeys, bool ipv6)
    {
        uint mask = 0;
        foreach (var field in selection.Counted)
            mask |= 1u << (int)field;
        return new CountLayout(
            mask,
            selection.TcpSourcePort,
            selection.UdpSourcePort,
            selection.TcpDestinationPort,
            selection.UdpDestinationPort,
            combinedKeys,
            ipv6);
    }

    public bool Has(PotironField field) => (FieldMask & (1u << (int)field)) != 0;
}
