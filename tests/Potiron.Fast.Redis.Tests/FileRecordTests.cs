using System.Text;
using Potiron.Fast.Redis.Records;
using Potiron.Fast.Redis.Resp;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// The record of each commit (<see cref="PotironKeys.FileRecord"/>): written in the commit's transaction, it reads back
/// as exactly what the commit wrote, in chunks when large; and the reply reader tells EXEC's reply by its kind.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class FileRecordTests(RedisServerFixture fixture) : StoreTest(fixture)
{

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_record_reads_back_as_what_the_commit_wrote(bool combined)
    {
        var counts = SampleCounts.File(combined: combined);
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true });
        await sink.OpenAsync(new RunParameters { CombinedKeys = combined }, Token);
        Assert.True(await sink.CommitAsync(counts, Token));

        var value = (byte[]?)await redis.Database.StringGetAsync(PotironKeys.FileRecord(counts.FileName));
        Assert.NotNull(value);
        AssertRecordEquals(counts, value);
    }

    [Fact]
    public async Task A_large_record_goes_in_several_appends_and_reads_back_whole()
    {
        var counts = SampleCounts.Large(300_000);
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = true });
        await sink.OpenAsync(new RunParameters(), Token);
        Assert.True(await sink.CommitAsync(counts, Token));

        var value = (byte[]?)await redis.Database.StringGetAsync(PotironKeys.FileRecord(counts.FileName));
        Assert.NotNull(value);
        Assert.True(value.Length > FileRecordFormat.ChunkSize, $"{value.Length} bytes: one APPEND only, the test proves nothing");
        AssertRecordEquals(counts, value);
    }

    [Fact]
    public async Task Without_records_the_commit_writes_none()
    {
        var counts = SampleCounts.File();
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { WriteRecords = false });
        await sink.OpenAsync(new RunParameters(), Token);
        Assert.True(await sink.CommitAsync(counts, Token));
        Assert.False(await redis.Database.KeyExistsAsync(PotironKeys.FileRecord(counts.FileName)));
    }

    [Fact]
    public void The_record_namespace_is_the_one_the_dump_comparisons_leave_out()
    {
        Assert.Equal(CanonicalDump.PotironFastNamespace, PotironKeys.OwnNamespace);
        Assert.StartsWith(PotironKeys.OwnNamespace, PotironKeys.FileRecord("s-a-1-20240101000000.pcap"));
    }

    [Fact]
    public void Damaged_records_are_refused_with_a_format_error()
    {
        Assert.Throws<FileRecordFormatException>(() => new FileRecordReader("not lz4"u8.ToArray()));
        var encoded = new MemoryStream();
        using (var lz4 = K4os.Compression.LZ4.Streams.LZ4Stream.Encode(encoded, leaveOpen: true))
            lz4.Write("PFR\u0009"u8);
        Assert.Throws<FileRecordFormatException>(() => new FileRecordReader(encoded.ToArray()));
    }

    [Theory]
    [InlineData("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n:0\r\n", true)]
    [InlineData("+OK\r\n+QUEUED\r\n*-1\r\n", false)]
    [InlineData("+OK\r\n+QUEUED\r\n-ERR wrong number of arguments\r\n+QUEUED\r\n-EXECABORT Transaction discarded because of previous errors.\r\n", null)]
    public void Exec_reply_is_told_from_the_queue_replies_by_its_kind(string replies, bool? executed)
    {
        var reader = new RespReader(new MemoryStream(Encoding.ASCII.GetBytes(replies)));
        var transaction = new TransactionReplies(reader);
        transaction.Start();
        if (executed is { } ran)
            Assert.Equal(ran, transaction.Wait());
        else
            Assert.Equal("ERR wrong number of arguments", Assert.Throws<RespServerException>(() => transaction.Wait()).Message);
    }

    internal static void AssertRecordEquals(FileCounts counts, byte[] value)
    {
        using var reader = new FileRecordReader(value);
        Assert.Equal(counts.Sensor, reader.Header.Sensor);
        Assert.Equal(counts.FileName, reader.Header.FileName);
        Assert.Equal(counts.FileNameDay, reader.Header.FileNameDay);
        Assert.Equal(counts.Days, reader.Header.Days);
        Assert.Equal(counts.Protocols, reader.Header.Protocols);
        Assert.Equal(counts.Groups.Select(g => new RecordedKey(PotironKeys.Counts(counts.Sensor, g), g.MemberCount)), reader.Header.Keys);
        foreach (var group in counts.Groups)
        {
            Assert.True(reader.TryNextKey(out _));
            var members = new List<MemberCount>();
            while (reader.TryReadMember(out var member, out var count))
                members.Add(new MemberCount(Encoding.UTF8.GetString(member), count));
            Assert.Equal(group.Members, members);
        }
        Assert.False(reader.TryNextKey(out _));
    }
}
