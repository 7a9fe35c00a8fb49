using BenchmarkDotNet.Attributes;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Ingest;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// The whole per-file path, <c>potiron ingest --sink null</c> as a library call: read, decode, filter, count, make the
/// member strings and hand them to the null sink. One million darknet-like packets over three days, as one file or as
/// two files of half a million; the pipeline's result is checked (files, packets, packets counted). Baseline: one file,
/// one worker (issue 3's target 1); with two workers on two files it shows the scaling of target 2.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    public const int Packets = 1_000_000;

    private string? _folder;
    private string _whole = "";
    private string[] _halves = [];
    private string _gzip = "";
    private long _expectedCounted;
    private long _expectedCountedHalves;

    [GlobalSetup]
    public void Setup()
    {
        _folder = BenchCaptures.CreateTemporaryFolder();
        var sample = SyntheticTraffic.Generate(Packets, TrafficKind.Mix, seed: 10);
        var pcap = BenchCaptures.Pcap(sample);
        _whole = Path.Combine(_folder, "whole", "bench-sensor1-0-20240314060000.cap");
        Directory.CreateDirectory(Path.GetDirectoryName(_whole)!);
        File.WriteAllBytes(_whole, pcap);
        _gzip = Path.Combine(_folder, "gzip", "bench-sensor1-0-20240314060000.cap.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(_gzip)!);
        File.WriteAllBytes(_gzip, BenchCaptures.Gzip(pcap));

        var first = SyntheticTraffic.Generate(Packets / 2, TrafficKind.Mix, seed: 12, spanSeconds: 108_000);
        var second = SyntheticTraffic.Generate(Packets / 2, TrafficKind.Mix, seed: 13, spanSeconds: 108_000);
        Directory.CreateDirectory(Path.Combine(_folder, "halves"));
        _halves =
        [
            Path.Combine(_folder, "halves", "bench-sensor1-0-20240314060000.cap"),
            Path.Combine(_folder, "halves", "bench-sensor1-0-20240315180000.cap"),
        ];
        File.WriteAllBytes(_halves[0], BenchCaptures.Pcap(first));
        File.WriteAllBytes(_halves[1], BenchCaptures.Pcap(second));
        _expectedCounted = sample.ExpectedCounted;
        _expectedCountedHalves = first.ExpectedCounted + second.ExpectedCounted;
        Console.WriteLine($"// captures: {Packets:N0} packets, {pcap.Length:N0} B pcap; {_expectedCounted:N0} counted");
    }

    [GlobalCleanup]
    public void Cleanup() => BenchCaptures.DeleteFolder(_folder);

    [Benchmark(Baseline = true, Description = "1 file, -j 1")]
    public Task<long> OneFileOneWorker() => Ingest([_whole], 1, 1, _expectedCounted);

    [Benchmark(Description = "1 file, -j 2")]
    public Task<long> OneFileTwoWorkers() => Ingest([_whole], 2, 1, _expectedCounted);

    [Benchmark(Description = "2 files, -j 1")]
    public Task<long> TwoFilesOneWorker() => Ingest(_halves, 1, 2, _expectedCountedHalves);

    [Benchmark(Description = "2 files, -j 2")]
    public Task<long> TwoFilesTwoWorkers() => Ingest(_halves, 2, 2, _expectedCountedHalves);

    [Benchmark(Description = "1 file .gz, -j 1")]
    public Task<long> GzipOneWorker() => Ingest([_gzip], 1, 1, _expectedCounted);

    private static async Task<long> Ingest(string[] inputs, int workers, int files, long expectedCounted)
    {
        await using var sink = new NullCountSink();
        var options = new IngestOptions { Inputs = inputs, Workers = workers };
        var result = await new IngestPipeline(options, sink).RunAsync().ConfigureAwait(false);
        BenchmarkCheckException.ThrowIfDifferent(files, result.FilesImported, "files imported");
        BenchmarkCheckException.ThrowIfDifferent((long)Packets, result.Packets, "packets read");
        BenchmarkCheckException.ThrowIfDifferent(expectedCounted, result.PacketsCounted, "packets counted");
        BenchmarkCheckException.ThrowIfDifferent((long)files, sink.Files, "files committed to the null sink");
        return result.PacketsCounted;
    }
}
