using System.IO.Compression;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.TestSupport;

/// <summary>
/// The bundled sample captures of <c>testdata/sample/</c>, made here deterministically (a fixed-seed xorshift, no clock):
/// darknet-like traffic of two sensors over two UTC days, with every layer the decoder knows that a sensor meets
/// often (TCP scans, UDP, ICMP and ICMP errors, VLAN, GRE, IP-in-IP, fragments, IPv6, ARP, broadcasts), in the three
/// containers (pcap, gzip-compressed pcap, pcapng with two interfaces). <c>testdata/README.md</c> says how to regenerate.
/// </summary>
public static class SampleCaptures
{
    public const string Sensor1Day1 = "honeypot-sensor1-0-20240314000000.cap";
    public const string Sensor1Day2 = "honeypot-sensor1-0-20240315000000.cap.gz";
    public const string Sensor2 = "honeypot-sensor2-0-20240314120000.pcapng";

    private const uint Day1 = 1710374400; // 2024-03-14 00:00:00 UTC

    public static IReadOnlyDictionary<string, byte[]> Generate() => new Dictionary<string, byte[]>
    {
        [Sensor1Day1] = Pcap(Traffic(seed: 1, start: Day1 + 3600, span: 86400, count: 400)),
        [Sensor1Day2] = Gzip(Pcap(Traffic(seed: 2, start: Day1 + 86400 + 60, span: 40000, count: 300))),
        [Sensor2] = Pcapng(Traffic(seed: 3, start: Day1 + 43200, span: 50000, count: 300)),
    };

    /// <summary>Writes the samples into <paramref name="folder"/>.</summary>
    public static void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in Generate())
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    private static IEnumerable<(uint Seconds, uint Microseconds, byte[] Frame)> Traffic(ulong seed, uint start, uint span, int count)
    {
        var random = new XorShift(seed);
        var time = (ulong)start * 1_000_000;
        var step = (ulong)span * 1_000_000 / (ulong)count;
        byte[] scanner = [185, 220, 101, (byte)(1 + random.Next(200))];
        byte[] sensor = [198, 51, 100, 7];
        for (var i = 0; i < count; i++)
        {
            time += 1 + random.Next(step * 2);
            byte[] source = random.Next(3) == 0 ? scanner : [(byte)(1 + random.Next(223)), (byte)random.Next(256), (byte)random.Next(256), (byte)(1 + random.Next(254))];
            var ttl = (byte)(random.Next(2) == 0 ? 49 + random.Next(16) : 113 + random.Next(16));
            var sport = (ushort)(1024 + random.Next(64000));
            ushort[] services = [22, 23, 80, 443, 445, 3389, 8080, 5060, 1433, 6379];
            var dport = services[random.Next((ulong)services.Length)];
            byte[] frame = random.Next(40) switch
            {
                < 24 => Ethernet(Ipv4(source, sensor, 6, Tcp(sport, dport, (uint)random.Next(uint.MaxValue), 0), ttl: ttl)),
                < 29 => Ethernet(Ipv4(source, sensor, 17, Udp(sport, (ushort)(random.Next(2) == 0 ? 53 : 123), new byte[random.Next(40)]), ttl: ttl)),
                < 31 => Ethernet(Ipv4(source, sensor, 1, Icmp(8, 0, new byte[32]), ttl: ttl, tos: 0x28)),
                31 => Ethernet(Ipv4(sensor, source, 1, Icmp(3, 3, Ipv4(source, sensor, 17, Udp(sport, 161, new byte[20]))[..28]))),
                32 => Ethernet(VlanTagged(Ipv4(source, sensor, 6, Tcp(sport, dport, (uint)random.Next(uint.MaxValue), 0), ttl: ttl)), 0x8100),
                33 => Ethernet(Ipv4([203, 0, 113, 9], sensor, 47, Gre(0x0800, Ipv4(source, [10, 9, 8, 7], 17, Udp(sport, 1900, new byte[12]))))),
                34 => Ethernet(Ipv4([203, 0, 113, 10], sensor, 4, Ipv4(source, [10, 9, 8, 6], 6, Tcp(sport, 25, 1, 0)))),
                35 => Ethernet(Ipv6(Ipv6Address("2001:db8::" + random.Next(65536).ToString("x")), Ipv6Address("2001:db8:ffff::7"), 6, Tcp(sport, dport, 9, 0)), 0x86dd),
                36 => Ethernet(Arp(1), 0x0806),
                37 => Ethernet(Ipv4(source, Broadcast, 17, Udp(68, 67, new byte[240]))),
                _ => Ethernet(Ipv4(source, sensor, 6, Tcp(sport, dport, (uint)random.Next(uint.MaxValue), 0, flags: 0x10), ttl: ttl, tos: 0xb8)),
            };
            yield return ((uint)(time / 1_000_000), (uint)(time % 1_000_000), frame);
            if (random.Next(50) == 0)
            {
                // A datagram in two fragments, right after.
                var datagram = Udp(sport, 500, new byte[48]);
                var id = (ushort)random.Next(65536);
                yield return ((uint)(time / 1_000_000), (uint)(time % 1_000_000 + 10) % 1_000_000,
                    Ethernet(Ipv4(source, sensor, 17, datagram[..32], identification: id, moreFragments: true)));
                yield return ((uint)(time / 1_000_000), (uint)(time % 1_000_000 + 20) % 1_000_000,
                    Ethernet(Ipv4(source, sensor, 17, datagram[32..], identification: id, fragmentOffset: 32)));
            }
        }
    }

    private static byte[] Pcap(IEnumerable<(uint Seconds, uint Microseconds, byte[] Frame)> packets)
    {
        var builder = new PcapBuilder();
        foreach (var (seconds, microseconds, frame) in packets)
            builder.Add(seconds, microseconds, frame);
        return builder.ToArray();
    }

    private static byte[] Pcapng(IEnumerable<(uint Seconds, uint Microseconds, byte[] Frame)> packets)
    {
        // Interface 0: Ethernet in microseconds; interface 1: raw IP in nanoseconds (the IP part of the same frames).
        var builder = new PcapngBuilder().Section().Interface(1).Interface(101, timestampResolution: 9);
        var odd = false;
        foreach (var (seconds, microseconds, frame) in packets)
        {
            odd = !odd;
            var isIp = frame[12] == 0x08 && frame[13] == 0x00;
            if (odd && isIp)
                builder.EnhancedPacket(1, (seconds * 1_000_000_000UL) + (microseconds * 1000UL), frame.AsSpan(14));
            else
                builder.EnhancedPacket(0, (seconds * 1_000_000UL) + microseconds, frame);
        }
        return builder.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(data);
        // The gzip header holds no name and no time here, so the bytes depend on the input alone.
        return output.ToArray();
    }

    /// <summary>xorshift64*: a fixed generator, so the samples never change with the runtime's Random.</summary>
    private sealed class XorShift(ulong seed)
    {
        private ulong _state = seed * 0x9E3779B97F4A7C15UL + 1;

        public ulong Next(ulong bound)
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return bound == 0 ? 0 : (_state * 0x2545F4914F6CDD1DUL) % bound;
        }
    }
}
