using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

/// <summary>
/// A small capture built in the test, with where its header ends and where each later item (record or block) ends,
/// so that a test knows what any prefix of it must read as.
/// </summary>
internal sealed record Fixture(string Name, byte[] Bytes, int HeaderEnd, IReadOnlyList<FixtureItem> Items)
{
    public override string ToString() => Name;

    /// <summary>Packets wholly inside the first <paramref name="length"/> bytes.</summary>
    public int PacketsWithin(int length) => Items.Count(i => i.IsPacket && i.End <= length);

    /// <summary>Whether a prefix of this length ends between items (or right after the header).</summary>
    public bool EndsOnBoundary(int length) => length == HeaderEnd || Items.Any(i => i.End == length);
}

internal readonly record struct FixtureItem(int End, bool IsPacket);

internal static class Fixtures
{
    public static IEnumerable<Fixture> All => [PcapMicroseconds, PcapNanosecondBigEndian, PcapngMixed, PcapngOptions];

    public static TheoryData<string> Names => new(All.Select(f => f.Name));

    public static Fixture Get(string name) => All.Single(f => f.Name == name);

    public static Fixture PcapMicroseconds
    {
        get
        {
            var builder = new PcapBuilder(network: 1);
            var items = new List<FixtureItem>();
            foreach (int length in (int[])[0, 5, 60, 1])
            {
                builder.Add((uint)(1_600_000_000 + length), (uint)length * 1000, CaptureReading.Packet(length, length));
                items.Add(new((int)builder.Length, true));
            }

            return new Fixture("pcap-us-le", builder.ToArray(), 24, items);
        }
    }

    public static Fixture PcapNanosecondBigEndian
    {
        get
        {
            var builder = new PcapBuilder(network: 101, bigEndian: true, nanosecond: true);
            var items = new List<FixtureItem>();
            foreach (int length in (int[])[20, 3])
            {
                builder.Add(7, 999_999_999, CaptureReading.Packet(length, length), originalLength: 1500);
                items.Add(new((int)builder.Length, true));
            }

            return new Fixture("pcap-ns-be", builder.ToArray(), 24, items);
        }
    }

    /// <summary>Two sections of opposite byte order, every packet block kind, blocks that hold no packet.</summary>
    public static Fixture PcapngMixed
    {
        get
        {
            var builder = new PcapngBuilder().Section();
            int headerEnd = (int)builder.Length;
            var items = new List<FixtureItem>();
            void Mark(bool isPacket) => items.Add(new((int)builder.Length, isPacket));

            builder.Interface(1, timestampResolution: 9); Mark(false);
            builder.Interface(0, snapLength: 8); Mark(false);
            builder.EnhancedPacket(0, 1_000_000_001, CaptureReading.Packet(13, 1)); Mark(true);
            builder.NameResolution([192, 0, 2, 1], "a"); Mark(false);
            builder.EnhancedPacket(1, 2_000_000_002, CaptureReading.Packet(4, 2), originalLength: 99); Mark(true);
            builder.Block(PcapngBuilder.CustomType, [.. builder.UInt32(32473), 1, 2, 3, 4, 5, 6, 7, 8]); Mark(false);
            builder.SimplePacket(6, CaptureReading.Packet(6, 3)); Mark(true);
            builder.ObsoletePacket(1, 3_000_000_003, CaptureReading.Packet(7, 4)); Mark(true);
            builder.InterfaceStatistics(0, 4); Mark(false);
            builder.Section(bigEndian: true); Mark(false);
            builder.Interface(113, timestampResolution: 0x86, timestampOffset: -5); Mark(false);
            builder.Block(0x12345678, [9, 9, 9, 9]); Mark(false);
            builder.EnhancedPacket(0, 640, CaptureReading.Packet(21, 5)); Mark(true);
            return new Fixture("pcapng-mixed", builder.ToArray(), headerEnd, items);
        }
    }

    /// <summary>Options in every block that may have them.</summary>
    public static Fixture PcapngOptions
    {
        get
        {
            var builder = new PcapngBuilder(bigEndian: true);
            builder.Section(bigEndian: true, options: [.. builder.Option(PcapngBuilder.OptionComment, "section"u8), 0, 0, 0, 0]);
            int headerEnd = (int)builder.Length;
            var items = new List<FixtureItem>();
            builder.Interface(1, timestampResolution: 3, extraOptions: builder.Option(2, "eth0"u8)); items.Add(new((int)builder.Length, false));
            builder.EnhancedPacket(0, 5_001, [1, 2, 3], options: [.. builder.Option(PcapngBuilder.OptionPacketFlags, [0, 0, 0, 1]), .. builder.Option(PcapngBuilder.OptionComment, "hello"u8), 0, 0, 0, 0]);
            items.Add(new((int)builder.Length, true));
            return new Fixture("pcapng-options", builder.ToArray(), headerEnd, items);
        }
    }
}
