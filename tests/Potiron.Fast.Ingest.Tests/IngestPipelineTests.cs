using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>The pipeline's bookkeeping with the null sink: outcomes, duplicates, damaged files, stats.</summary>
public sealed class IngestPipelineTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(IngestResult Result, NullCountSink Sink)> RunAsync(params string[] inputs)
    {
        var sink = new NullCountSink();
        var result = await new IngestPipeline(new IngestOptions { Inputs = inputs, Workers = 2 }, sink).RunAsync(Token);
        return (result, sink);
    }

    [Fact]
    public async Task The_samples_are_read_whole_and_counted_by_the_filter()
    {
        var (result, sink) = await RunAsync(TestData.SampleFolder);
        Assert.Equal(3, result.FilesImported);
        Assert.False(result.HasFailures);
        Assert.Equal(3, sink.Files);
        // The original counted 378 + 289 + 285 lines of tshark output for the three samples (testdata/golden/runs.tsv).
        Assert.Equal(378 + 289 + 285, result.PacketsCounted);
        Assert.Equal(
            [SampleCaptures.Sensor1Day1, SampleCaptures.Sensor1Day2, SampleCaptures.Sensor2],
            result.Files.Select(f => f.FileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_basename_given_twice_is_counted_once()
    {
        var sample = Path.Combine(TestData.SampleFolder, SampleCaptures.Sensor1Day1);
        using var folder = new TempFolder();
        var copy = Path.Combine(folder.Path, SampleCaptures.Sensor1Day1);
        File.Copy(sample, copy);
        var (result, sink) = await RunAsync(sample, copy);
        Assert.Equal(1, sink.Files);
        Assert.Equal([FileOutcome.Imported, FileOutcome.AlreadyImported], result.Files.Select(f => f.Outcome));
    }

    [Fact]
    public async Task A_damaged_file_is_reported_with_its_offset_and_the_others_go_on()
    {
        using var folder = new TempFolder();
        var good = Path.Combine(TestData.SampleFolder, SampleCaptures.Sensor1Day1);
        var garbage = folder.Write("x-y-z-20240101000000.cap", Enumerable.Range(0, 100).Select(i => (byte)(i * 37)).ToArray());
        var (result, sink) = await RunAsync(good, garbage);
        Assert.True(result.HasFailures);
        Assert.Equal(2, sink.Files); // an unreadable capture is committed (FILES, filename day) as the original does
        var bad = result.Files.Single(f => f.FileName == "x-y-z-20240101000000.cap");
        Assert.Equal(FileOutcome.ImportedDamaged, bad.Outcome);
        Assert.Equal(CaptureProblemKind.UnknownFormat, bad.Problem!.Kind);
        Assert.Contains("x-y-z-20240101000000.cap", bad.Problem.ToString());
        Assert.Contains("byte 0", bad.Problem.ToString());
        Assert.Equal(FileOutcome.Imported, result.Files.Single(f => f.FileName == SampleCaptures.Sensor1Day1).Outcome);
    }

    [Fact]
    public async Task A_capture_cut_inside_a_record_keeps_the_records_before_the_cut()
    {
        var whole = new PcapBuilder()
            .Add(1704067200, 0, Ethernet(Ipv4(A, B, 6, Tcp(1, 2, 3, 4))))
            .Add(1704067201, 0, Ethernet(Ipv4(A, B, 17, Udp(5, 6))))
            .ToArray();
        using var folder = new TempFolder();
        var cut = folder.Write("c-c-0-20240101000000.cap", whole[..^10]);
        var (result, _) = await RunAsync(cut);
        var file = Assert.Single(result.Files);
        Assert.Equal(1, file.PacketsCounted);
        var warning = Assert.Single(file.Warnings);
        Assert.Equal(CaptureProblemKind.TruncatedRecord, warning.Kind);
        Assert.Equal(24 + 16 + 54, warning.Offset);
    }

    [Fact]
    public async Task A_missing_input_is_an_input_error_and_the_rest_is_done()
    {
        var (result, sink) = await RunAsync("/nonexistent/potiron-capture.cap", Path.Combine(TestData.SampleFolder, SampleCaptures.Sensor2));
        Assert.True(result.HasFailures);
        Assert.Contains(result.InputErrors, e => e.Contains("/nonexistent/potiron-capture.cap", StringComparison.Ordinal));
        Assert.Equal(1, sink.Files);
    }

    [Fact]
    public async Task An_empty_capture_is_imported_with_a_warning_and_is_no_failure()
    {
        using var folder = new TempFolder();
        var empty = folder.Write("e-e-0-20240101000000.cap", []);
        var (result, sink) = await RunAsync(empty);
        Assert.False(result.HasFailures);
        Assert.Equal(1, sink.Files); // the original adds it to FILES too (tshark reads 0 packets)
        Assert.Equal(CaptureProblemKind.Empty, Assert.Single(Assert.Single(result.Files).Warnings).Kind);
    }

    [Fact]
    public async Task A_run_with_nothing_to_read_leaves_the_store_untouched()
    {
        var (result, sink) = await RunAsync("/nonexistent/only.cap");
        Assert.True(result.HasFailures);
        Assert.Null(sink.Parameters);
    }
}
