namespace Potiron.Fast.Aggregation.Tests;

public sealed class NullCountSinkTests
{
    [Fact]
    public async Task Counts_what_it_is_given_and_stores_nothing()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var sink = new NullCountSink();
        var parameters = new RunParameters();
        await sink.OpenAsync(parameters, cancel);
        Assert.Same(parameters, sink.Parameters);

        var tables = AppendixC.Count(new CountTables(FieldSelection.All), new DayCalendar());
        var counts = tables.ToFileCounts(CaptureFileName.FromPath(AppendixC.FileName));
        Assert.True(await sink.CommitAsync(counts, cancel));
        Assert.True(await sink.CommitAsync(counts, cancel));
        Assert.False(await sink.IsImportedAsync(AppendixC.FileName, cancel));

        Assert.Equal(2, sink.Files);
        Assert.Equal(2 * 24, sink.Groups);
        Assert.Equal(2 * counts.MemberCount, sink.Members);
        Assert.Equal(2 * 13 * 12, sink.Increments);   // 13 counted packets, 12 fields each
    }
}
