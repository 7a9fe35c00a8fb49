using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// Damaged and missing inputs among good ones: the good ones are imported, every bad one is named with its byte
/// offset on standard error and in the stats block, and the exit code is 1 (finished, some inputs had problems).
/// Its own redis-server, flushed by each test.
/// </summary>
public sealed class DamagedInputTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string TruncatedName = "honeypot-sensor7-0-20240314000000.cap";
    private const string RandomName = "x-y-z-20240101000000.cap";
    private const string EmptyName = "honeypot-sensor8-0-20240101000000.cap";

    [Fact]
    public async Task Truncated_random_and_empty_files_are_reported_with_their_offsets_the_good_one_is_imported_and_exit_is_1()
    {
        await redis.FlushAsync();
        using var folder = new TempFolder();
        var (truncated, cutRecordOffset) = TruncatedInsideARecord(File.ReadAllBytes(Samples.PathOf(SampleCaptures.Sensor1Day1)));
        var truncatedPath = folder.Write(TruncatedName, truncated);
        var randomPath = folder.Write(RandomName, RandomBytes(4096));
        var emptyPath = folder.Write(EmptyName, []);
        folder.Write(SampleCaptures.Sensor2, File.ReadAllBytes(Samples.PathOf(SampleCaptures.Sensor2)));

        var run = await PotironProcess.RunAsync("ingest", "-i", folder.Path, "-u", redis.SocketPath);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.DoesNotContain("   at ", run.StandardError);
        foreach (var (path, offset) in new[] { (truncatedPath, cutRecordOffset), (randomPath, 0L), (emptyPath, 0L) })
        {
            var where = $"{Regex.Escape(path)}: (error|warning) at byte {offset}\\b";
            Assert.True(run.ErrorLines.Any(l => Regex.IsMatch(l, "^potiron: " + where)), $"stderr does not report {path} at byte {offset}\n{run}");
            Assert.True(run.OutputLines.Any(l => Regex.IsMatch(l, "^(damaged|failed|warning): " + where)),
                $"the stats block does not list {path} at byte {offset}\n{run}");
        }
        Assert.Contains("(4 imported, 0 skipped, 0 failed, 1 damaged)", run.StandardOutput);

        // The good capture is in the database exactly as the original wrote it.
        var dump = await CanonicalDump.ReadAsync(redis.Multiplexer);
        var golden = Samples.Golden(SampleCaptures.Sensor2);
        var comparison = CanonicalDump.Compare(golden.Where(IsSensor2Key), dump.Where(IsSensor2Key), DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, $"{comparison}\n{run}");
        Assert.True(await redis.Database.SetContainsAsync("FILES", SampleCaptures.Sensor2), run.ToString());
    }

    [Fact]
    public async Task Truncated_capture_alone_is_imported_as_far_as_it_reads_and_exits_1()
    {
        // README: "what can be read counts (as tshark reads it), and the file is reported with its byte offset and
        // reason; exit code 1" — the run must not look clean when a file gave less than it holds.
        await redis.FlushAsync();
        using var folder = new TempFolder();
        var (truncated, cutRecordOffset) = TruncatedInsideARecord(File.ReadAllBytes(Samples.PathOf(SampleCaptures.Sensor1Day1)));
        var path = folder.Write(TruncatedName, truncated);

        var run = await PotironProcess.RunAsync("ingest", "-i", path, "-u", redis.SocketPath);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"potiron: {path}: warning at byte {cutRecordOffset} ", run.StandardError);
        Assert.Contains($"warning: {path}: warning at byte {cutRecordOffset} ", run.StandardOutput);
        Assert.Contains("(1 imported, 0 skipped, 0 failed, 0 damaged)", run.StandardOutput);
        Assert.True(await redis.Database.SetContainsAsync("FILES", TruncatedName), run.ToString());
        Assert.True(await redis.Database.SortedSetLengthAsync("honeypot-sensor7-0:20240314:ipsrc") > 0, run.ToString());
    }

    [Fact]
    public async Task Missing_input_path_is_reported_with_the_originals_message_the_others_are_imported_and_exit_is_1()
    {
        // CaptureInputs gives "The filename ARG was not found" (the original's words) and goes on: the run finishes
        // with the other inputs imported, hence 1 and not 2 (2 is for runs that could not start).
        await redis.FlushAsync();
        using var folder = new TempFolder();
        var missing = Path.Combine(folder.Path, "no-such-sensor-0-20240101000000.cap");

        var run = await PotironProcess.RunAsync("ingest", "-i", missing, Samples.PathOf(SampleCaptures.Sensor2), "-u", redis.SocketPath);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"potiron: The filename {missing} was not found", run.ErrorLines);
        Assert.Contains($"error: The filename {missing} was not found", run.OutputLines);
        Assert.DoesNotContain("   at ", run.StandardError);
        var comparison = CanonicalDump.Compare(Samples.Golden(SampleCaptures.Sensor2), await CanonicalDump.ReadAsync(redis.Multiplexer), DumpCompareOptions.AgainstOriginal);
        Assert.True(comparison.Identical, $"{comparison}\n{run}");
    }

    private static bool IsSensor2Key(string key) => key.StartsWith("honeypot-sensor2-0", StringComparison.Ordinal);

    /// <summary>
    /// The capture cut in the middle of the data of its middle record, and that record's offset (where the reader says
    /// the damage is). The samples are little-endian microsecond pcaps written by <see cref="PcapBuilder"/>.
    /// </summary>
    private static (byte[] Bytes, long RecordOffset) TruncatedInsideARecord(byte[] capture)
    {
        Assert.Equal(PcapBuilder.MagicMicroseconds, BinaryPrimitives.ReadUInt32LittleEndian(capture));
        var records = new List<(int Offset, int Length)>();
        for (var offset = 24; offset + 16 <= capture.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(capture.AsSpan(offset + 8));
            records.Add((offset, length));
            offset += 16 + length;
        }
        var (recordOffset, recordLength) = records[records.Count / 2];
        Assert.True(recordLength >= 2);
        return (capture[..(recordOffset + 16 + recordLength / 2)], recordOffset);
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(20240101).NextBytes(bytes);
        // Not by chance the start of a capture or of a compressed stream.
        bytes[0] = 0x42;
        return bytes;
    }
}
