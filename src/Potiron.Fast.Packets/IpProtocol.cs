namespace Potiron.Fast.Packets;

/// <summary>IP protocol numbers the decoder follows.</summary>
public static class IpProtocol
{
    public const byte HopByHop = 0;
    public const byte Icmp = 1;
    public const byte IpInIp = 4;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Ipv6 = 41;
    public const byte Ipv6Route = 43;
    public const byte Ipv6Fragment = 44;
    public const byte Gre = 47;
    public const byte Esp = 50;
    public const byte Ah = 51;
    public const byte Icmpv6 = 58;
    public const byte Ipv6NoNext = 59;
    public const byte Ipv6DestinationOptions = 60;
    public const byte EtherIp = 97;
    public const byte Mobility = 135;
    public const byte Hip = 139;
    public const byte Shim6 = 140;
}
