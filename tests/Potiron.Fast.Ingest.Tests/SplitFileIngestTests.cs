using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>
/// One file decoded on several lanes, or decoded on one thread and counted on another, counts exactly what one
/// sequential worker counts.
/// </summary>
public sealed class SplitFileIngestTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var name in SampleCaptures.Generate().Keys)
            data.Add(Path.Combine(TestData.SampleFolder, name));
        if (SharedCaptures.FindDirectory() is { } shared)
        {
            foreach (var path in Directory.EnumerateFiles(shared, "corpus-*").Order(StringComparer.Ordinal))
                data.Add(path);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Split_and_staged_ingest_equal_sequential_ingest(string path)
    {
        foreach (var combined in new[] { false, true })
        {
            var options = new IngestOptions { Inputs = [], Parameters = new RunParameters { CombinedKeys = combined } };
            var input = CaptureInput.ForFile(path);
            var name = CaptureFileName.FromPath(path);

            var sequential = new IngestWorker(options);
            var expectedSummary = sequential.Read(input, null);
            var expected = Render(sequential.Tables.ToFileCounts(name));

            // Tiny batches, so that even small captures cross many batch boundaries and lanes finish out of order.
            var split = new SplitFileIngest(options, lanes: 3, batchBytes: 4096, batchRecords: 5);
            var actualSummary = split.Read(input, null);
            Assert.Equal(expectedSummary.Packets, actualSummary.Packets);
            Assert.Equal(expectedSummary.Counted, actualSummary.Counted);
            Assert.Equal(expectedSummary.Bytes, actualSummary.Bytes);
            Assert.Equal(expected, Render(split.Merged.Tables.ToFileCounts(name)));

            var splitEvents = new Potiron.Fast.Packets.DecodeEventCounts();
            foreach (var worker in split.Workers)
                splitEvents.MergeFrom(worker.Decoder.Events);
            Assert.Equal(sequential.Decoder.Events.NonZero(), splitEvents.NonZero());

            var staged = new StagedFileIngest(new IngestWorker(options));
            var stagedSummary = staged.Read(input, null);
            Assert.Equal(expectedSummary.Packets, stagedSummary.Packets);
            Assert.Equal(expectedSummary.Counted, stagedSummary.Counted);
            Assert.Equal(expectedSummary.Bytes, stagedSummary.Bytes);
            Assert.Equal(expectedSummary.Problem, stagedSummary.Problem);
            var stagedCounts = staged.Worker.Tables.ToFileCounts(name);
            Assert.Equal(expected, Render(stagedCounts));
            // Render sorts; the order matters too (days, protocols and groups as the sequential read makes them).
            var sequentialCounts = sequential.Tables.ToFileCounts(name);
            Assert.Equal(sequentialCounts.Days, stagedCounts.Days);
            Assert.Equal(sequentialCounts.Protocols, stagedCounts.Protocols);
            Assert.Equal(sequentialCounts.Groups.Select(g => (g.Day, g.ProtocolName, g.Field, g.MemberCount, g.Total)),
                stagedCounts.Groups.Select(g => (g.Day, g.ProtocolName, g.Field, g.MemberCount, g.Total)));
            Assert.Equal(sequential.Decoder.Events.NonZero(), staged.Worker.Decoder.Events.NonZero());
            Assert.Equal(sequential.PacketsWithoutTimestamp, staged.Worker.PacketsWithoutTimestamp);
            Assert.Equal(sequential.PacketsOutOfCalendar, staged.Worker.PacketsOutOfCalendar);
        }
    }

    private static string[] Render(FileCounts counts) =>
        counts.Groups
            .SelectMany(g => g.Members.Select(m => $"{g.Day}:{g.ProtocolName}:{g.Field}:{m.Member}={m.Count}"))
            .Concat(counts.Days.Order(StringComparer.Ordinal).Select(d => "day " + d))
            .Concat(counts.Protocols.Order(StringComparer.Ordinal).Select(p => "protocol " + p))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
