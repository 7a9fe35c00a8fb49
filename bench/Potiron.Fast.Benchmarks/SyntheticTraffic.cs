using Potiron.Fast.TestSupport;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Benchmarks;

/// <summary>The kinds of frames the generator makes; <see cref="Mix"/> draws them in darknet-like proportions.</summary>
public enum TrafficKind
{
    Mix,
    SynScan,
    Backscatter,
    Udp,
    IcmpEcho,
    IcmpError,
    Ipv6,
    Gre,
    Arp,
    Fragments,
    Broadcast,
    Vlan,
}

/// <summary>
/// Ethernet frames, stored back to back in one buffer, with timestamps and what a correct decoder must find in them.
/// The expectations come from how each frame was built, not from running the decoder, so that a benchmark that checks
/// them also catches a decoder that got faster by getting wrong.
/// </summary>
public sealed class TrafficSample
{
    internal TrafficSample(byte[] bytes, int[] offsets, int[] lengths, uint[] seconds, uint[] microseconds,
        long counted, long destinationPortFrames, long destinationPortSum)
    {
        Bytes = bytes;
        Offsets = offsets;
        Lengths = lengths;
        Seconds = seconds;
        Microseconds = microseconds;
        ExpectedCounted = counted;
        ExpectedDestinationPortFrames = destinationPortFrames;
        ExpectedDestinationPortSum = destinationPortSum;
    }

    public byte[] Bytes { get; }
    public int[] Offsets { get; }
    public int[] Lengths { get; }
    public uint[] Seconds { get; }
    public uint[] Microseconds { get; }
    public int Count => Offsets.Length;
    public long FrameBytes => Bytes.LongLength;

    /// <summary>Frames that pass potiron's filter (some IPv4 header, none to 255.255.255.255).</summary>
    public long ExpectedCounted { get; }
    /// <summary>Frames on which potiron's <c>dport</c> is present (TCP or UDP anywhere, fragments reassembled).</summary>
    public long ExpectedDestinationPortFrames { get; }
    public long ExpectedDestinationPortSum { get; }

    public ReadOnlySpan<byte> Frame(int index) => Bytes.AsSpan(Offsets[index], Lengths[index]);
}

/// <summary>
/// A deterministic, darknet-like frame generator (the same proportions as ../shared/bench/make-bench-capture.py, much
/// simplified): SYN scans from a skewed pool of scanners, backscatter, UDP probes, ICMP echo and errors quoting
/// TCP/UDP, IPv6, GRE tunnels, ARP, IPv4 fragment pairs, limited broadcasts and 802.1Q tags.
/// </summary>
public static class SyntheticTraffic
{
    /// <summary>2024-03-14 06:00:00 UTC, the bench captures' start.</summary>
    public const uint StartSeconds = 1_710_396_000;

    private static readonly ushort[] PopularPorts = [23, 22, 80, 443, 445, 3389, 8080, 5555, 1433, 3306, 21, 25, 8443, 2323, 6379, 9200];
    private static readonly byte[] Ttls = [64, 128, 255, 240, 52, 113, 47, 236];
    private static readonly (TrafficKind Kind, int Weight)[] MixWeights =
    [
        (TrafficKind.SynScan, 560), (TrafficKind.Backscatter, 80), (TrafficKind.Udp, 130), (TrafficKind.IcmpEcho, 30),
        (TrafficKind.IcmpError, 30), (TrafficKind.Ipv6, 40), (TrafficKind.Gre, 10), (TrafficKind.Arp, 15),
        (TrafficKind.Fragments, 6), (TrafficKind.Broadcast, 3), (TrafficKind.Vlan, 33),
    ];

    /// <summary>Makes <paramref name="frames"/> frames of one kind (or the mix), timestamps spread evenly over
    /// <paramref name="spanSeconds"/> from <see cref="StartSeconds"/>.</summary>
    public static TrafficSample Generate(int frames, TrafficKind kind = TrafficKind.Mix, int seed = 1, long spanSeconds = 216_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 2);
        var random = new Random(seed);
        var builder = new Builder(random);
        var output = new MemoryStream();
        var offsets = new int[frames];
        var lengths = new int[frames];
        var seconds = new uint[frames];
        var microseconds = new uint[frames];
        long counted = 0, portFrames = 0, portSum = 0;
        var index = 0;
        while (index < frames)
        {
            var chosen = kind == TrafficKind.Mix ? Draw(random) : kind;
            if (chosen == TrafficKind.Fragments && frames - index < 2)
                chosen = TrafficKind.SynScan;
            var made = builder.Make(chosen);
            foreach (var frame in made.Frames)
            {
                offsets[index] = (int)output.Length;
                lengths[index] = frame.Length;
                var at = StartSeconds * 1_000_000L + (long)((double)index / frames * spanSeconds * 1_000_000);
                seconds[index] = (uint)(at / 1_000_000);
                microseconds[index] = (uint)(at % 1_000_000);
                output.Write(frame);
                index++;
            }
            counted += made.Counted ? made.Frames.Length : 0;
            if (made.DestinationPort >= 0)
            {
                portFrames++;
                portSum += made.DestinationPort;
            }
        }
        return new TrafficSample(output.ToArray(), offsets, lengths, seconds, microseconds, counted, portFrames, portSum);
    }

    private static TrafficKind Draw(Random random)
    {
        var total = 0;
        foreach (var (_, weight) in MixWeights)
            total += weight;
        var pick = random.Next(total);
        foreach (var (kind, weight) in MixWeights)
        {
            if (pick < weight)
                return kind;
            pick -= weight;
        }
        return TrafficKind.SynScan;
    }

    /// <summary>One event: its frames, whether they count, and the dport that exactly one of them shows (-1: none).</summary>
    private readonly record struct Made(byte[][] Frames, bool Counted, int DestinationPort);

    private sealed class Builder(Random random)
    {
        private const int Scanners = 50_000;
        private ushort _identification = 1;

        public Made Make(TrafficKind kind) => kind switch
        {
            TrafficKind.SynScan => Syn(),
            TrafficKind.Backscatter => Backscatter(),
            TrafficKind.Udp => Udp(),
            TrafficKind.IcmpEcho => IcmpEcho(),
            TrafficKind.IcmpError => IcmpError(),
            TrafficKind.Ipv6 => Ipv6Syn(),
            TrafficKind.Gre => GreTunnel(),
            TrafficKind.Arp => new Made([Pad(Ethernet(Arp(1), 0x0806))], false, -1),
            TrafficKind.Fragments => FragmentPair(),
            TrafficKind.Broadcast => Broadcast(),
            TrafficKind.Vlan => Vlan(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        private Made Syn()
        {
            var port = Port();
            return new Made([Pad(Ethernet(SynPacket(port)))], true, port);
        }

        private byte[] SynPacket(ushort port) =>
            Ipv4(Scanner(), Darknet(), 6, Tcp((ushort)random.Next(1024, 65536), port, (uint)random.NextInt64(1L << 32), 0),
                ttl: Ttls[random.Next(Ttls.Length)], identification: (ushort)random.Next(65536));

        private Made Backscatter()
        {
            var port = (ushort)random.Next(1024, 65536);
            var flags = random.Next(3) switch { 0 => (byte)0x12, 1 => (byte)0x04, _ => (byte)0x14 };
            var tcp = Tcp(PopularPorts[random.Next(PopularPorts.Length)], port, (uint)random.NextInt64(1L << 32),
                (uint)random.NextInt64(1L << 32), flags);
            return new Made([Pad(Ethernet(Ipv4(Scanner(), Darknet(), 6, tcp, ttl: Ttls[random.Next(Ttls.Length)])))], true, port);
        }

        private Made Udp()
        {
            ushort port = random.Next(4) switch { 0 => 53, 1 => 123, 2 => 1900, _ => (ushort)random.Next(1, 65536) };
            var payload = new byte[random.Next(8, 64)];
            random.NextBytes(payload);
            var udp = PacketBuilder.Udp((ushort)random.Next(1024, 65536), port, payload);
            return new Made([Pad(Ethernet(Ipv4(Scanner(), Darknet(), 17, udp, ttl: Ttls[random.Next(Ttls.Length)])))], true, port);
        }

        private Made IcmpEcho()
        {
            var body = new byte[32];
            random.NextBytes(body);
            var icmp = Icmp(8, 0, body, (uint)random.Next());
            return new Made([Pad(Ethernet(Ipv4(Scanner(), Darknet(), 1, icmp)))], true, -1);
        }

        /// <summary>Destination or port unreachable, or time exceeded, quoting an IPv4 header and 8 bytes of TCP or UDP.</summary>
        private Made IcmpError()
        {
            var port = Port();
            var quotesTcp = random.Next(2) == 0;
            var quotedTransport = quotesTcp
                ? Tcp((ushort)random.Next(1024, 65536), port, (uint)random.NextInt64(1L << 32), 0)[..8]
                : PacketBuilder.Udp((ushort)random.Next(1024, 65536), port);
            var quoted = Ipv4(Darknet(), Scanner(), quotesTcp ? (byte)6 : (byte)17, quotedTransport);
            var (type, code) = random.Next(3) switch { 0 => ((byte)3, (byte)3), 1 => ((byte)3, (byte)1), _ => ((byte)11, (byte)0) };
            return new Made([Pad(Ethernet(Ipv4(Scanner(), Darknet(), 1, Icmp(type, code, quoted))))], true, port);
        }

        private Made Ipv6Syn()
        {
            var port = Port();
            var source = Ipv6Address("2001:db8::1");
            source[15] = (byte)random.Next(256);
            source[14] = (byte)random.Next(256);
            var tcp = Tcp((ushort)random.Next(1024, 65536), port, (uint)random.NextInt64(1L << 32), 0);
            return new Made([Pad(Ethernet(Ipv6(source, Ipv6Address("2001:db8:ffff::2"), 6, tcp), 0x86dd))], false, port);
        }

        private Made GreTunnel()
        {
            var port = Port();
            var inner = SynPacket(port);
            return new Made([Pad(Ethernet(Ipv4(Scanner(), Darknet(), 47, Gre(0x0800, inner))))], true, port);
        }

        /// <summary>A UDP datagram in two fragments: tshark (and Potiron.Fast) show its ports on the second, which
        /// completes it.</summary>
        private Made FragmentPair()
        {
            var port = (ushort)random.Next(1, 65536);
            var payload = new byte[40];
            random.NextBytes(payload);
            var datagram = PacketBuilder.Udp((ushort)random.Next(1024, 65536), port, payload);   // 48 bytes
            var (source, destination) = (Scanner(), Darknet());
            var id = _identification++;
            var first = Ipv4(source, destination, 17, datagram[..24], identification: id, moreFragments: true);
            var last = Ipv4(source, destination, 17, datagram[24..], identification: id, fragmentOffset: 24);
            return new Made([Pad(Ethernet(first)), Pad(Ethernet(last))], true, port);
        }

        private Made Broadcast()
        {
            var udp = PacketBuilder.Udp(68, 67, new byte[240]);
            return new Made([Ethernet(Ipv4([0, 0, 0, 0], PacketBuilder.Broadcast, 17, udp), destination: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])], false, 67);
        }

        private Made Vlan()
        {
            var port = Port();
            return new Made([Pad(Ethernet(VlanTagged(SynPacket(port), vlan: (ushort)random.Next(1, 4095)), 0x8100))], true, port);
        }

        private ushort Port() => random.Next(10) < 7 ? PopularPorts[random.Next(PopularPorts.Length)] : (ushort)random.Next(1, 65536);

        /// <summary>A scanner from a skewed pool: a few sources send most of the packets.</summary>
        private byte[] Scanner()
        {
            var u = random.NextDouble();
            var index = (int)(Scanners * u * u * u);
            return [(byte)(11 + index % 200), (byte)(index >> 8), (byte)index, (byte)(1 + index % 253)];
        }

        /// <summary>An address in the darknet's /15.</summary>
        private byte[] Darknet() => [100, (byte)(64 + random.Next(2)), (byte)random.Next(256), (byte)random.Next(256)];

        /// <summary>Frames shorter than 60 bytes are zero-padded on the wire, as in the bench captures.</summary>
        private static byte[] Pad(byte[] frame) => frame.Length >= 60 ? frame : [.. frame, .. new byte[60 - frame.Length]];
    }
}
