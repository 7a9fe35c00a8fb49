using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>
/// The regression tests of the fuzzing findings in <c>testdata/malformed/</c> (named <c>&lt;layer&gt;-&lt;problem&gt;-N.pcap</c>):
/// each goes through the whole pipeline, on its thread-pool threads, and ends with the outcome, problem and decode
/// event written here, never with an exception or a dead process.
/// </summary>
public sealed class MalformedCaptureTests
{
    private static readonly Dictionary<string, Expectation> Expected = new(StringComparer.Ordinal)
    {
        // 8000 AH headers in a row (8 bytes each): the decoder called itself once per header and overflowed the
        // stack of a thread-pool thread (1.5 MiB), which kills the process. Now bounded at MaximumDepth.
        ["ah-deep-chain-1.pcap"] = new(FileOutcome.Imported, null, DecodeEvent.TooDeep, Packets: 1, Counted: 1),
        // GRE carrying Cisco metadata carrying Cisco metadata ... 8000 times: the same overflow in the GRE payload walk.
        ["gre-deep-metadata-chain-1.pcap"] = new(FileOutcome.Imported, null, DecodeEvent.TooDeep, Packets: 1, Counted: 1),
        // IPComp whose payload starts with a zlib header asking for a preset dictionary: zlib's Z_NEED_DICT came out of
        // the inflater as a ZLibException (an IOException, not the InvalidDataException caught), through the decoder
        // and the pipeline, ending the whole run. Found by afl-fuzz (decoder target), minimised by afl-tmin.
        ["ipcomp-zlib-preset-dictionary-1.pcap"] = new(FileOutcome.Imported, null, DecodeEvent.Ipv4TotalLengthBeyondCapture, Packets: 1, Counted: 1),
        // An IPv6 datagram of 0xff bytes, reassembled (its buffer goes back to the pool), then two fragments of another
        // datagram with bytes 11 to 15 in neither: the reassembler counted their 8-byte unit as covered and decoded a TCP
        // header with the previous datagram's bytes in it, which differed between one worker and a split file's lanes.
        // Like tshark, the second datagram is not reassembled now. Found by afl-fuzz (split target).
        ["ipv6-fragment-gap-1.pcap"] = new(FileOutcome.Imported, null, DecodeEvent.Ipv4Fragment, Packets: 4, Counted: 4,
            Reassembled: 1),
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Every fixture, read by one worker and split over two (one file decoded on several threads).</summary>
    public static TheoryData<string, int> Fixtures()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Directory.GetFiles(MalformedFolder).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal))
        {
            data.Add(name, 1);
            data.Add(name, 2);
        }
        return data;
    }

    private static string MalformedFolder => Path.Combine(TestData.Root, "malformed");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task A_fuzzing_finding_ends_as_a_named_problem_or_anomaly(string name, int workers)
    {
        Assert.True(Expected.TryGetValue(name, out var expected), $"{name} has no expectation in {nameof(MalformedCaptureTests)}");
        var sink = new NullCountSink();
        var options = new IngestOptions { Inputs = [Path.Combine(MalformedFolder, name)], Parameters = new RunParameters { Ipv6 = true }, Workers = workers };
        var result = await new IngestPipeline(options, sink).RunAsync(Token);

        var file = Assert.Single(result.Files);
        Assert.Equal(expected.Outcome, file.Outcome);
        Assert.Equal(expected.Problem, file.Problem?.Kind);
        Assert.Equal(expected.Packets, file.Packets);
        Assert.Equal(expected.Counted, file.PacketsCounted);
        if (expected.Event is { } decodeEvent)
            Assert.True(result.DecodeEvents.GetValueOrDefault(decodeEvent) > 0, $"no {decodeEvent} in {string.Join(", ", result.DecodeEvents)}");
        if (expected.Reassembled is { } reassembled)
            Assert.Equal(reassembled, result.DecodeEvents.GetValueOrDefault(DecodeEvent.Ipv4Reassembled));
    }

    [Fact]
    public void Every_expectation_has_its_fixture()
    {
        foreach (var name in Expected.Keys)
            Assert.True(File.Exists(Path.Combine(MalformedFolder, name)), $"testdata/malformed/{name} is missing");
    }

    /// <param name="Reassembled">When set, the exact number of datagrams reassembled (IPv4 and IPv6).</param>
    private sealed record Expectation(FileOutcome Outcome, CaptureProblemKind? Problem, DecodeEvent? Event, long Packets, long Counted,
        long? Reassembled = null);
}
