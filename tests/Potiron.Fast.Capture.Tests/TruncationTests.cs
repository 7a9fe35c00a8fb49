namespace Potiron.Fast.Capture.Tests;

/// <summary>Every prefix of every small fixture reads as exactly what it holds, and never throws.</summary>
public sealed class TruncationTests
{
    [Theory]
    [MemberData(nameof(Fixtures.Names), MemberType = typeof(Fixtures))]
    public void Every_prefix_gives_the_records_it_holds_and_the_right_status(string name)
    {
        Fixture fixture = Fixtures.Get(name);
        ReadResult whole = CaptureReading.Read(fixture.Bytes);
        Assert.Null(whole.Problem);
        Assert.Empty(whole.Warnings);
        Assert.Equal(fixture.PacketsWithin(fixture.Bytes.Length), whole.Records.Count);

        for (int length = 0; length <= fixture.Bytes.Length; length++)
        {
            ReadResult result = CaptureReading.Read(fixture.Bytes[..length]);
            string context = $"prefix {length}: {result.Describe()}";

            Assert.True(result.Records.SequenceEqual(whole.Records.Take(fixture.PacketsWithin(length))), context);
            if (length == 0)
            {
                Assert.Equal(CaptureContainer.Empty, result.Container);
                Assert.Null(result.Problem);
                Assert.Equal(CaptureProblemKind.Empty, Assert.Single(result.Warnings).Kind);
            }
            else if (length < fixture.HeaderEnd)
            {
                Assert.True(result.Problem is { Kind: CaptureProblemKind.TruncatedHeader, IsFatal: true, Offset: 0 }, context);
                Assert.Empty(result.Warnings);
            }
            else if (fixture.EndsOnBoundary(length))
            {
                Assert.True(result.Problem is null && result.Warnings.Count == 0, context);
            }
            else
            {
                Assert.Null(result.Problem);
                CaptureProblem warning = Assert.Single(result.Warnings);
                Assert.True(warning is { Kind: CaptureProblemKind.TruncatedRecord, IsFatal: false }, context);
                Assert.Equal(result.Records.Count, warning.RecordIndex);
                Assert.True(warning.Offset < length, context);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures.Names), MemberType = typeof(Fixtures))]
    public void Every_prefix_read_byte_by_byte_reads_the_same(string name)
    {
        Fixture fixture = Fixtures.Get(name);
        for (int length = 0; length <= fixture.Bytes.Length; length++)
        {
            byte[] prefix = fixture.Bytes[..length];
            ReadResult expected = CaptureReading.Read(prefix);
            ReadResult actual = CaptureReading.ReadChunked(prefix, 1);
            Assert.True(expected.Equivalent(actual), $"prefix {length}: {expected.Describe()} / {actual.Describe()}");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures.Names), MemberType = typeof(Fixtures))]
    public void Any_byte_changed_never_throws(string name)
    {
        // Not an oracle, only the promise that bad content is a problem value: every byte set to 0x00 and 0xff.
        Fixture fixture = Fixtures.Get(name);
        for (int offset = 0; offset < fixture.Bytes.Length; offset++)
        {
            foreach (byte value in (byte[])[0x00, 0xff])
            {
                byte[] damaged = (byte[])fixture.Bytes.Clone();
                damaged[offset] = value;
                ReadResult result = CaptureReading.ReadChunked(damaged, 3);
                Assert.True(result.Records.Count <= fixture.Items.Count + 1, result.Describe());
            }
        }
    }
}
