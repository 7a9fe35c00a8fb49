using System.Numerics;
using CsCheck;
using Potiron.Fast.Packets;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

/// <summary>Random record lists written with the in-test writers, then read back in random chunks.</summary>
public sealed class RoundTripTests
{
    private sealed record PcapPacket(uint Seconds, uint Fraction, byte[] Data, uint Extra);

    private sealed record NgInterface(ushort LinkType, uint SnapLength, byte? Resolution, long? Offset);

    private sealed record NgPacket(int Kind, int Interface, ulong Timestamp, byte[] Data, uint Extra);

    private sealed record NgSection(bool BigEndian, List<NgInterface> Interfaces, List<NgPacket> Packets);

    private static readonly Gen<PcapPacket> PcapPackets =
        Gen.Select(Gen.UInt, Gen.UInt, Gen.Byte.Array[0, 200], Gen.UInt[0, 1000], (s, f, d, e) => new PcapPacket(s, f, d, e));

    [Fact]
    public void Pcap_records_read_back_as_written()
    {
        Gen.Select(Gen.Bool, Gen.Bool, Gen.UShort, PcapPackets.List[0, 40], Gen.Int[1, 700])
            .Sample((bigEndian, nanosecond, linkType, packets, chunk) =>
            {
                var builder = new PcapBuilder(network: linkType, bigEndian: bigEndian, nanosecond: nanosecond);
                foreach (PcapPacket packet in packets)
                {
                    builder.Add(packet.Seconds, packet.Fraction, packet.Data, (uint)packet.Data.Length + packet.Extra);
                }

                ReadResult result = CaptureReading.ReadChunked(builder.ToArray(), chunk);

                Assert.Null(result.Problem);
                Assert.Empty(result.Warnings);
                Assert.Equal(packets.Count, result.Records.Count);
                long offset = 24;
                for (int i = 0; i < packets.Count; i++)
                {
                    PcapPacket packet = packets[i];
                    uint nanoseconds = nanosecond ? packet.Fraction : unchecked(packet.Fraction * 1000);
                    var expected = new ReadRecord(Convert.ToHexString(packet.Data), (LinkType)linkType, packet.Seconds,
                        nanoseconds, true, (uint)packet.Data.Length + packet.Extra, offset, i, 0);
                    Assert.Equal(expected, result.Records[i]);
                    offset += 16 + packet.Data.Length;
                }
            }, iter: 200);
    }

    [Fact]
    public void Pcapng_records_read_back_as_written()
    {
        // Resolutions whose nanosecond product cannot overflow, so that exact arithmetic is the oracle.
        Gen<NgInterface> interfaces = Gen.Select(Gen.UShort[0, 300], Gen.OneOfConst(0u, 0u, 16u, 65535u),
            Gen.OneOfConst<byte?>(null, 6, 9, 3, 0, 0x8a, 0x94, 0x9e),
            Gen.OneOfConst<long?>(null, 0, 1_000_000, -86_400), (l, s, r, o) => new NgInterface(l, s, r, o));
        Gen<NgPacket> packets = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 100], Gen.ULong[0, 1UL << 62], Gen.Byte.Array[0, 100],
            Gen.UInt[0, 100], (k, i, t, d, e) => new NgPacket(k, i, t, d, e));
        Gen<NgSection> sections = Gen.Select(Gen.Bool, interfaces.List[1, 4], packets.List[0, 12], (b, i, p) => new NgSection(b, i, p));

        Gen.Select(sections.List[1, 3], Gen.Int[1, 500]).Sample((list, chunk) =>
        {
            var builder = new PcapngBuilder();
            var expected = new List<(LinkType, int, bool, long, uint, string, uint)>();
            foreach (NgSection section in list)
            {
                builder.Section(section.BigEndian);
                foreach (NgInterface description in section.Interfaces)
                {
                    builder.Interface(description.LinkType, description.SnapLength, description.Resolution, description.Offset);
                }

                foreach (NgPacket packet in section.Packets)
                {
                    int index = packet.Kind == 1 ? 0 : packet.Interface % section.Interfaces.Count;
                    NgInterface description = section.Interfaces[index];
                    uint original = (uint)packet.Data.Length + packet.Extra;
                    switch (packet.Kind)
                    {
                        case 0:
                            builder.EnhancedPacket((uint)index, packet.Timestamp, packet.Data, original);
                            break;
                        case 1:
                            byte[] whole = [.. packet.Data, .. new byte[packet.Extra]];
                            byte[] kept = description.SnapLength != 0 && original > description.SnapLength
                                ? whole[..(int)description.SnapLength]
                                : whole;
                            builder.SimplePacket(original, kept);
                            expected.Add(((LinkType)description.LinkType, 0, false, 0, 0, Convert.ToHexString(kept), original));
                            continue;
                        default:
                            builder.ObsoletePacket((ushort)index, packet.Timestamp, packet.Data, original);
                            break;
                    }

                    (long seconds, uint nanoseconds) = Split(packet.Timestamp, description.Resolution, description.Offset ?? 0);
                    expected.Add(((LinkType)description.LinkType, index, true, seconds, nanoseconds, Convert.ToHexString(packet.Data), original));
                }
            }

            ReadResult result = CaptureReading.ReadChunked(builder.ToArray(), chunk);

            Assert.Null(result.Problem);
            Assert.Empty(result.Warnings);
            Assert.Equal(expected, result.Records.Select(r => (r.LinkType, r.InterfaceId, r.HasTimestamp, r.Seconds, r.Nanoseconds, r.Data, r.OriginalLength)));
            Assert.Equal(Enumerable.Range(0, expected.Count).Select(i => (long)i), result.Records.Select(r => r.Index));
        }, iter: 150);
    }

    private static (long Seconds, uint Nanoseconds) Split(ulong timestamp, byte? resolution, long offset)
    {
        BigInteger units = resolution switch
        {
            null => 1_000_000,
            byte r when (r & 0x80) != 0 => BigInteger.Pow(2, r & 0x7f),
            byte r => BigInteger.Pow(10, r),
        };
        BigInteger seconds = BigInteger.Divide(timestamp, units);
        BigInteger nanoseconds = BigInteger.Remainder(timestamp, units) * 1_000_000_000 / units;
        return ((long)seconds + offset, (uint)nanoseconds);
    }
}
