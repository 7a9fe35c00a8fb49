namespace Potiron.Fast.Redis.Tests;

/// <summary>Small hand-made file counts for the sink tests.</summary>
internal static class SampleCounts
{
    public const string Sensor = "test-honeypot-1";

    public static FileCounts File(string fileName = "test-honeypot-1-20140826000000.cap.gz", int scale = 1, bool combined = false) => new()
    {
        Sensor = Sensor,
        FileName = fileName,
        FileNameDay = "20140826",
        Days = ["20140825", "20140826"],
        Protocols = combined ? ["tcp", "udp"] : [],
        Groups =
        [
            new CountGroup("20140825", combined ? "tcp" : null, PotironField.DestinationPort, [new("22", 5 * scale), new("80", 2 * scale)]),
            new CountGroup("20140825", combined ? "tcp" : null, PotironField.IpSource, [new("10.0.0.1", 7 * scale)]),
            new CountGroup("20140826", combined ? "udp" : null, PotironField.DestinationPort, [new("53", 1 * scale)]),
            new CountGroup("20140826", combined ? "udp" : null, PotironField.IpTos, [new("0x00", 1 * scale), new("0", 3 * scale)]),
        ],
    };

    /// <summary>One group of <paramref name="members"/> distinct addresses, each counted once or more.</summary>
    public static FileCounts Large(int members, string fileName = "test-big-1-20240101000000.pcap") => new()
    {
        Sensor = "test-big-1",
        FileName = fileName,
        FileNameDay = "20240101",
        Days = ["20240101"],
        Groups =
        [
            new CountGroup("20240101", null, PotironField.IpSource,
                Enumerable.Range(0, members).Select(i => new MemberCount($"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}", 1 + i % 7)).ToArray()),
        ],
    };

    /// <summary>
    /// Two contents of one file for re-import tests, sharing keys with <see cref="File"/> (import that under another
    /// name): v1 has a day (20140824) that v2 lacks, and members that v2 lacks.
    /// </summary>
    public static FileCounts Version(int version, string fileName = "test-honeypot-1-20140826120000.cap.gz", bool combined = false) => version == 1
        ? new()
        {
            Sensor = Sensor,
            FileName = fileName,
            FileNameDay = "20140826",
            Days = ["20140824", "20140825"],
            Protocols = combined ? ["tcp", "icmp"] : [],
            Groups =
            [
                new CountGroup("20140824", combined ? "icmp" : null, PotironField.DestinationPort, [new("443", 3)]),
                new CountGroup("20140825", combined ? "tcp" : null, PotironField.DestinationPort, [new("22", 1), new("8080", 4)]),
                new CountGroup("20140825", combined ? "tcp" : null, PotironField.IpSource, [new("10.0.0.9", 2), new("10.0.0.1", 1)]),
            ],
        }
        : new()
        {
            Sensor = Sensor,
            FileName = fileName,
            FileNameDay = "20140826",
            Days = ["20140825", "20140826"],
            Protocols = combined ? ["tcp", "udp"] : [],
            Groups =
            [
                new CountGroup("20140825", combined ? "tcp" : null, PotironField.DestinationPort, [new("22", 2)]),
                new CountGroup("20140826", combined ? "udp" : null, PotironField.IpTos, [new("0", 1), new("0x10", 5)]),
            ],
        };
}
