using System.IO.Compression;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Benchmarks;

/// <summary>Capture files made in memory from a <see cref="TrafficSample"/>, in each container the readers know.</summary>
public static class BenchCaptures
{
    public const uint LinkTypeEthernet = 1;

    public static byte[] Pcap(TrafficSample sample)
    {
        var builder = new PcapBuilder(LinkTypeEthernet, snapLength: 65_535);
        for (var i = 0; i < sample.Count; i++)
            builder.Add(sample.Seconds[i], sample.Microseconds[i], sample.Frame(i));
        return builder.ToArray();
    }

    /// <summary>One section, one Ethernet interface at the default microsecond resolution, enhanced packet blocks.</summary>
    public static byte[] Pcapng(TrafficSample sample)
    {
        var builder = new PcapngBuilder().Section().Interface((ushort)LinkTypeEthernet, snapLength: 65_535);
        for (var i = 0; i < sample.Count; i++)
            builder.EnhancedPacket(0, sample.Seconds[i] * 1_000_000UL + sample.Microseconds[i], sample.Frame(i));
        return builder.ToArray();
    }

    /// <summary>gzip at the default level, as <c>gzip FILE</c> makes it.</summary>
    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>A private temporary folder, deleted by the caller.</summary>
    public static string CreateTemporaryFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "potiron-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void DeleteFolder(string? folder)
    {
        if (folder is null)
            return;
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}

/// <summary>A benchmark whose result is not what its input says stops the run: a fast wrong answer is no result.</summary>
public sealed class BenchmarkCheckException(string message) : Exception(message)
{
    public static void ThrowIfDifferent<T>(T expected, T actual, string what)
        where T : IEquatable<T>
    {
        if (!expected.Equals(actual))
            throw new BenchmarkCheckException($"{what}: expected {expected}, got {actual}");
    }
}
