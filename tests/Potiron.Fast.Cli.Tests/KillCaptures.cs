using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// The captures that the exactly-once tests interrupt: many files of one sensor (<c>kill-sensor-0-2024031400MMSS.cap</c>),
/// each big enough that reading it takes a noticeable moment and small enough in distinct values that its commit is
/// quick, so that an ingest of all of them lasts a few seconds and a signal lands in every phase of it (start, reading,
/// committing, between files, the end). Packets spread over two UTC days, so day sets and two days' keys are exercised.
/// </summary>
internal static class KillCaptures
{
    public const string Sensor = "kill-sensor-0";

    private const uint Day1 = 1710374400; // 2024-03-14 00:00:00 UTC

    public static string NameOf(int index) => $"{Sensor}-2024031400{index / 60:00}{index % 60:00}.cap";

    /// <summary>Writes <paramref name="files"/> captures of <paramref name="packets"/> packets into <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> WriteTo(string folder, int files, int packets)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>(files);
        for (var i = 0; i < files; i++)
        {
            var path = Path.Combine(folder, NameOf(i));
            File.WriteAllBytes(path, Capture(seed: 1000 + i, packets));
            paths.Add(path);
        }
        return paths;
    }

    private static byte[] Capture(int seed, int packets)
    {
        // The values come from small pools: a file then holds a few thousand distinct members, whatever its packet count.
        var random = new Random(seed);
        var builder = new PcapBuilder();
        byte[] sensor = [198, 51, 100, 7];
        ushort[] services = [22, 23, 80, 443, 445, 3389, 8080, 5060, 1433, 6379];
        var start = Day1 + 43200 + (uint)random.Next(3600);
        for (var i = 0; i < packets; i++)
        {
            // The second half of every file falls on the next day.
            var seconds = start + (uint)((ulong)i * 86400 / (ulong)packets);
            byte[] source = [(byte)(1 + random.Next(200)), 0, (byte)random.Next(4), 1];
            var ttl = (byte)(40 + random.Next(24));
            var sport = (ushort)(1024 + random.Next(512));
            var dport = services[random.Next(services.Length)];
            var sequence = (uint)random.Next(256) * 0x01010101u;
            var frame = random.Next(10) switch
            {
                < 7 => Ethernet(Ipv4(source, sensor, 6, Tcp(sport, dport, sequence, 0), ttl: ttl)),
                < 9 => Ethernet(Ipv4(source, sensor, 17, Udp(sport, (ushort)(random.Next(2) == 0 ? 53 : 123), new byte[16]), ttl: ttl)),
                _ => Ethernet(Ipv4(source, sensor, 1, Icmp(8, 0, new byte[24]), ttl: ttl, tos: 0x28)),
            };
            builder.Add(seconds, (uint)random.Next(1_000_000), frame);
        }
        return builder.ToArray();
    }
}
