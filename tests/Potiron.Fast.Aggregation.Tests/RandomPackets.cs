using CsCheck;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

/// <summary>Random counted packets over a few days, protocols and small value ranges (so values repeat).</summary>
internal static class RandomPackets
{
    private static readonly byte[] Protocols = [1, 4, 6, 17, 47, 99, 253];

    private static readonly Gen<PacketFields> Ipv4Packet =
        Gen.Select(Gen.Int[0, Protocols.Length - 1], Gen.UInt[0, 30], Gen.UInt[0, 30], Gen.Int[0, 70], Gen.Byte, Gen.Byte[0, 3])
            .Select(Gen.Int[-1, 5], Gen.Int[-1, 5], Gen.Long[-1, 40], Gen.Long[-1, 40],
                (ip, tcpPort, udpPort, sequence, acknowledgement) =>
                {
                    var (protocol, source, destination, length, ttl, tos) = ip;
                    var fields = Packet.Ipv4("0.0.0.0", "0.0.0.0", Protocols[protocol], (ushort)length, ttl, tos);
                    fields.Ipv4Source = source;                // 0 included: the tables' empty key
                    fields.Ipv4Destination = destination << 24;
                    if (tcpPort >= 0)
                        fields = fields.Tcp(tcpPort, 65535 - tcpPort, sequence, acknowledgement);
                    if (udpPort >= 0)
                        fields = fields.Udp(udpPort, udpPort + 1);
                    if (protocol == 0)
                        fields = fields.Icmp((short)(tcpPort + 3), (short)(udpPort + 1));
                    return fields;
                });

    private static readonly Gen<PacketFields> Ipv6Packet =
        Gen.Select(Gen.ULong[0, 3], Gen.ULong[0, 3], Gen.Int[0, 65535], Gen.Byte, Gen.Int[-1, 3],
            (source, destination, payload, hopLimit, port) =>
            {
                var fields = Packet.Ipv6("::", "::", port < 0 ? (byte)58 : (byte)6, (ushort)payload, hopLimit, (byte)(hopLimit & 3));
                fields.Ipv6Source = new Ipv6Address(0x20010DB800000000, source);
                fields.Ipv6Destination = new Ipv6Address(destination, 1);
                return port < 0 ? fields : fields.Tcp(port, port, port, -1);
            });

    /// <summary>Packets with their seconds, spread over three UTC days.</summary>
    public static readonly Gen<(long Seconds, PacketFields Fields)[]> Batch =
        Gen.Select(Gen.Long[1_400_000_000, 1_400_000_000 + 3 * 86400], Gen.Frequency((5, Ipv4Packet), (1, Ipv6Packet)))
            .Array[0, 200];

    public static void CountInto(CountTables tables, DayCalendar calendar, IEnumerable<(long Seconds, PacketFields Fields)> packets)
    {
        foreach (var (seconds, fields) in packets)
            tables.CountPacket(seconds, fields, calendar);
    }
}
