namespace Potiron.Fast.Packets;

/// <summary>The EtherType values the decoder follows.</summary>
public static class EtherType
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Rarp = 0x8035;
    public const ushort Vlan = 0x8100;
    public const ushort Ipv6 = 0x86dd;
    public const ushort PppoeSession = 0x8864;
    public const ushort MplsUnicast = 0x8847;
    public const ushort MplsMulticast = 0x8848;
    public const ushort ProviderBridging = 0x88a8;
    public const ushort QinQ = 0x9100;
    public const ushort TransparentEthernetBridging = 0x6558;
    public const ushort Ppp = 0x880b;
    public const ushort ErspanTypeII = 0x88be;
    public const ushort ErspanTypeIII = 0x22eb;
    public const ushort Wccp = 0x883e;
    public const ushort CiscoMetaData = 0x8909;
    public const ushort CiscoFabricPath = 0x8903;
    public const ushort AristaTimestamp = 0xd28b;

    public static bool IsVlanTag(ushort type) => type is Vlan or ProviderBridging or QinQ;
}
