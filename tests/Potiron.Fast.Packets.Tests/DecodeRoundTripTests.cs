using CsCheck;
using Potiron.Fast.Packets;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Packets.Tests;

/// <summary>Frames written by the in-test builder decode back to the values they were built from.</summary>
public sealed class DecodeRoundTripTests
{
    private static readonly Gen<byte[]> Address = Gen.Byte.Array[4].Where(a => !(a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255));

    [Fact]
    public void Tcp_over_ipv4_over_optional_vlans()
    {
        Gen.Select(Address, Address, Gen.Byte, Gen.Byte, Gen.UShort, Gen.UShort, Gen.UInt, Gen.UInt)
            .Select(Gen.Int[0, 2], Gen.Int[0, 40])
            .Sample(t =>
            {
                var ((source, destination, ttl, tos, sourcePort, destinationPort, sequence, acknowledgement), vlans, optionWords) = (t.Item1, t.Item2, t.Item3);
                var options = new byte[optionWords / 4 * 4];
                Array.Fill(options, (byte)1); // NOP options
                byte[] packet = Ipv4(source, destination, 6, Tcp(sourcePort, destinationPort, sequence, acknowledgement, flags: 0x10), ttl, tos, options: options);
                var type = (ushort)0x0800;
                for (var i = 0; i < vlans; i++)
                {
                    packet = VlanTagged(packet, type);
                    type = 0x8100;
                }
                var decoder = new PacketDecoder();
                var fields = new PacketFields();
                decoder.Decode(LinkType.Ethernet, Ethernet(packet, type), ref fields);
                Assert.True(fields.PassesDefaultFilter);
                Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(source), fields.Ipv4Source);
                Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(destination), fields.Ipv4Destination);
                Assert.Equal(ttl, fields.Ipv4Ttl);
                Assert.Equal(tos, fields.Ipv4Tos);
                Assert.Equal(sourcePort, fields.SourcePort);
                Assert.Equal(destinationPort, fields.DestinationPort);
                Assert.Equal(sequence, fields.TcpSequence);
                Assert.Equal(acknowledgement, fields.TcpAcknowledgement);
                Assert.Equal(-1, fields.IcmpType);
            });
    }

    [Fact]
    public void Icmp_errors_quoting_udp_keep_outer_addresses_and_inner_ports()
    {
        Gen.Select(Address, Address, Gen.Byte[0, 15], Gen.UShort, Gen.UShort).Sample((source, destination, code, sourcePort, destinationPort) =>
        {
            var quoted = Ipv4(destination, source, 17, Udp(sourcePort, destinationPort, new byte[8]))[..28];
            var decoder = new PacketDecoder();
            var fields = new PacketFields();
            decoder.Decode(LinkType.Raw, Ipv4(source, destination, 1, Icmp(3, code, quoted)), ref fields);
            Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(source), fields.Ipv4Source);
            Assert.Equal(1, fields.Ipv4Protocol);
            Assert.Equal(3, fields.IcmpType);
            Assert.Equal(code, fields.IcmpCode);
            Assert.Equal(sourcePort, fields.SourcePort);
            Assert.Equal(destinationPort, fields.DestinationPort);
        });
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Byte.Array[0, 200].Select(Gen.Enum<LinkType>()).Sample((bytes, linkType) =>
        {
            var fields = new PacketFields();
            new PacketDecoder().Decode(linkType, bytes, ref fields);
        }, iter: 20_000);
    }
}
