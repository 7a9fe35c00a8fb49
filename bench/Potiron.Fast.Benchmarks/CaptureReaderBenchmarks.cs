using BenchmarkDotNet.Attributes;
using Potiron.Fast.Capture;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// The capture readers alone: every record of a darknet-like capture is read and its length summed, nothing is decoded.
/// Baseline: classic pcap from memory through <see cref="CaptureFileReader"/> (the pump and the span reader).
/// </summary>
[MemoryDiagnoser]
public class CaptureReaderBenchmarks
{
    public const int Packets = 200_000;

    private TrafficSample _sample = null!;
    private byte[] _pcap = [];
    private byte[] _pcapng = [];
    private byte[] _gzip = [];
    private string? _folder;
    private string _pcapPath = "";

    [GlobalSetup]
    public void Setup()
    {
        _sample = SyntheticTraffic.Generate(Packets);
        _pcap = BenchCaptures.Pcap(_sample);
        _pcapng = BenchCaptures.Pcapng(_sample);
        _gzip = BenchCaptures.Gzip(_pcap);
        _folder = BenchCaptures.CreateTemporaryFolder();
        _pcapPath = Path.Combine(_folder, "bench-sensor1-0-20240314060000.cap");
        File.WriteAllBytes(_pcapPath, _pcap);
        Console.WriteLine($"// capture: {Packets} packets, pcap {_pcap.Length:N0} B, pcapng {_pcapng.Length:N0} B, gzip {_gzip.Length:N0} B");
    }

    [GlobalCleanup]
    public void Cleanup() => BenchCaptures.DeleteFolder(_folder);

    [Benchmark(Baseline = true, Description = "pcap, memory")]
    public long PcapFromMemory() => ReadAll(CaptureFileReader.Open(new MemoryStream(_pcap, writable: false), "memory"));

    [Benchmark(Description = "pcap, file")]
    public long PcapFromFile() => ReadAll(CaptureFileReader.Open(_pcapPath));

    [Benchmark(Description = "pcapng, memory")]
    public long PcapngFromMemory() => ReadAll(CaptureFileReader.Open(new MemoryStream(_pcapng, writable: false), "memory"));

    [Benchmark(Description = "pcap.gz, memory")]
    public long GzipFromMemory() => ReadAll(CaptureFileReader.Open(new MemoryStream(_gzip, writable: false), "memory"));

    /// <summary>The span reader over the whole file at once: what the pump around it costs is the difference.</summary>
    [Benchmark(Description = "pcap, span reader only")]
    public long PcapSpanReader()
    {
        var reader = new PcapReader(_pcap, isFinalBlock: true, new PcapReaderState(0));
        long records = 0, bytes = 0;
        while (reader.TryRead(out var record))
        {
            records++;
            bytes += record.Data.Length;
        }
        return Check(records, bytes);
    }

    private long ReadAll(CaptureFileReader reader)
    {
        using (reader)
        {
            long records = 0, bytes = 0;
            while (reader.TryRead(out var record))
            {
                records++;
                bytes += record.Data.Length;
            }
            if (reader.Problem is not null)
                throw new BenchmarkCheckException($"reader stopped: {reader.Problem}");
            return Check(records, bytes);
        }
    }

    private long Check(long records, long bytes)
    {
        BenchmarkCheckException.ThrowIfDifferent((long)_sample.Count, records, "records read");
        BenchmarkCheckException.ThrowIfDifferent(_sample.FrameBytes, bytes, "frame bytes read");
        return records;
    }
}
