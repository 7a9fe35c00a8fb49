using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

/// <summary>However the input is split across reads, the records and problems are the same.</summary>
public sealed class ChunkedReadTests
{
    [Theory]
    [MemberData(nameof(Fixtures.Names), MemberType = typeof(Fixtures))]
    public void Splitting_a_small_capture_at_any_offset_changes_nothing(string name)
    {
        Fixture fixture = Fixtures.Get(name);
        ReadResult expected = CaptureReading.Read(fixture.Bytes);

        for (int offset = 1; offset < fixture.Bytes.Length; offset++)
        {
            ReadResult actual = CaptureReading.Read(ChunkedStream.SplitAt(fixture.Bytes, offset));
            Assert.True(expected.Equivalent(actual), $"split at {offset}: {actual.Describe()}");
        }

        foreach (int[] sizes in (int[][])[[1], [2, 3, 5, 7], [13], [4096]])
        {
            ReadResult actual = CaptureReading.ReadChunked(fixture.Bytes, sizes);
            Assert.True(expected.Equivalent(actual), $"chunks {string.Join(",", sizes)}: {actual.Describe()}");
        }
    }

    [Theory]
    [InlineData("corpus-large-000-20160802021933.pcap")]
    [InlineData("corpus-large-001-20230909160912.pcapng")]
    [InlineData("corpus-large-002-20170331160022.pcapng")]
    [InlineData("corpus-pcapngif-001-20200728173454.pcapng")]
    [InlineData("corpus-pcapngshb-000-20000101000000.pcapng")]
    [InlineData("corpus-pcapngblk-000-20000101000000.pcapng")]
    [InlineData("corpus-cutshort-001-20170414105537.pcap")]
    [InlineData("corpus-large-004-20200416125432.cap.gz")]
    [InlineData("corpus-cutshort-002-20220612104641.cap.gz")]
    public void Splitting_a_real_capture_at_hundreds_of_random_offsets_changes_nothing(string name)
    {
        byte[] bytes = File.ReadAllBytes(SharedCaptures.RequireFile(name));
        ReadResult expected = CaptureReading.Read(bytes);
        Assert.NotEmpty(expected.Records);
        var random = new Random(name.Length * 7919);

        for (int round = 0; round < 3; round++)
        {
            int[] offsets = [.. Enumerable.Range(0, 100).Select(_ => random.Next(1, bytes.Length))];
            ReadResult actual = CaptureReading.Read(ChunkedStream.SplitAt(bytes, offsets));
            Assert.True(expected.Equivalent(actual), $"round {round}: {actual.Describe()}");
        }

        // Small reads all the way: the buffer is refilled thousands of times.
        ReadResult small = CaptureReading.ReadChunked(bytes, 997, 1, 4093);
        Assert.True(expected.Equivalent(small), small.Describe());
    }
}
