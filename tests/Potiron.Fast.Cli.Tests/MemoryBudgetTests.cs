using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// <c>--memory-budget</c>: a file whose every packet brings a fresh sequence number, acknowledgement and address is
/// counted in spilled runs and lands in Redis byte for byte as without a budget, on one worker and split over two;
/// the runs are gone afterwards. Its own redis-server.
/// </summary>
public sealed class MemoryBudgetTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string FileName = "budget-sensor-0-20240314000000.cap";

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task A_file_over_the_budget_lands_as_without_one(string jobs)
    {
        using var folder = new TempFolder();
        var capture = folder.Write(FileName, FreshValues(120_000));
        var spill = Directory.CreateDirectory(Path.Combine(folder.Path, "spill")).FullName;

        await redis.FlushAsync();
        var plain = await PotironProcess.RunAsync("ingest", "-i", capture, "-u", redis.SocketPath, "-j", jobs);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        var expected = (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render();

        await redis.FlushAsync();
        var budgeted = await PotironProcess.RunAsync("ingest", "-i", capture, "-u", redis.SocketPath, "-j", jobs,
            "--memory-budget", "1M", "--spill-dir", spill);

        Assert.True(budgeted.ExitCode == 0, budgeted.ToString());
        Assert.Contains(budgeted.ErrorLines, l => l.Contains("sorted runs on disk, merged for the commit", StringComparison.Ordinal));
        Assert.Equal(expected, (await CanonicalDump.ReadAsync(redis.Multiplexer)).Render());
        Assert.Empty(Directory.EnumerateFileSystemEntries(spill));
    }

    [Theory]
    [InlineData("12", "is not a size of at least 1M")]
    [InlineData("lots", "is not a size of at least 1M")]
    [InlineData("99999999999G", "is not a size of at least 1M")]
    public async Task A_bad_budget_is_a_usage_error(string budget, string message)
    {
        var run = await PotironProcess.RunAsync("ingest", "-i", Samples.Folder, "--sink", "null", "--memory-budget", budget);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"potiron: --memory-budget '{budget}' {message} (bytes, or a number followed by K, M or G).", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task A_missing_spill_folder_is_a_usage_error()
    {
        var run = await PotironProcess.RunAsync("ingest", "-i", Samples.Folder, "--sink", "null", "--memory-budget", "64M", "--spill-dir", "/nonexistent/spill");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("potiron: --spill-dir /nonexistent/spill: no such folder.", Assert.Single(run.ErrorLines));
    }

    /// <summary>SYNs from fresh addresses with fresh sequence and acknowledgement numbers, over two UTC days.</summary>
    private static byte[] FreshValues(int packets)
    {
        var random = new Random(7);
        var builder = new PcapBuilder();
        const uint day1 = 1710374400;
        byte[] sensor = [198, 51, 100, 7];
        for (var i = 0; i < packets; i++)
        {
            var source = BitConverter.GetBytes(random.Next());
            var frame = Ethernet(Ipv4(source, sensor, 6, Tcp((ushort)random.Next(1024, 65535), 23, (uint)random.Next(), (uint)random.Next())));
            builder.Add(day1 + (uint)((long)i * 2 * 86400 / packets), 0, frame);
        }
        return builder.ToArray();
    }
}
