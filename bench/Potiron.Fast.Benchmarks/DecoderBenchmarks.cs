using BenchmarkDotNet.Attributes;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// The frame decoder alone, per frame (OperationsPerInvoke): one kind of frame at a time, and the darknet-like mix.
/// Each run checks how many frames pass potiron's filter and the sum of the dports found, against what the generator
/// built. Baseline: the TCP SYN scan frame, the most common one on a darknet.
/// </summary>
[MemoryDiagnoser]
public class DecoderBenchmarks
{
    public const int Frames = 16_384;

    private readonly PacketDecoder _decoder = new();
    private TrafficSample _syn = null!, _udp = null!, _icmpError = null!, _vlan = null!, _gre = null!, _fragments = null!, _mix = null!;

    [GlobalSetup]
    public void Setup()
    {
        _syn = SyntheticTraffic.Generate(Frames, TrafficKind.SynScan, seed: 2);
        _udp = SyntheticTraffic.Generate(Frames, TrafficKind.Udp, seed: 3);
        _icmpError = SyntheticTraffic.Generate(Frames, TrafficKind.IcmpError, seed: 4);
        _vlan = SyntheticTraffic.Generate(Frames, TrafficKind.Vlan, seed: 5);
        _gre = SyntheticTraffic.Generate(Frames, TrafficKind.Gre, seed: 6);
        _fragments = SyntheticTraffic.Generate(Frames, TrafficKind.Fragments, seed: 7);
        _mix = SyntheticTraffic.Generate(Frames, TrafficKind.Mix, seed: 8);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "TCP SYN scan")]
    public long SynScan() => DecodeAll(_syn);

    [Benchmark(OperationsPerInvoke = Frames, Description = "UDP")]
    public long Udp() => DecodeAll(_udp);

    [Benchmark(OperationsPerInvoke = Frames, Description = "ICMP error quoting TCP/UDP")]
    public long IcmpError() => DecodeAll(_icmpError);

    [Benchmark(OperationsPerInvoke = Frames, Description = "802.1Q + TCP SYN")]
    public long Vlan() => DecodeAll(_vlan);

    [Benchmark(OperationsPerInvoke = Frames, Description = "GRE + IPv4 + TCP SYN")]
    public long Gre() => DecodeAll(_gre);

    [Benchmark(OperationsPerInvoke = Frames, Description = "IPv4 fragment pairs (reassembled)")]
    public long Fragments() => DecodeAll(_fragments);

    [Benchmark(OperationsPerInvoke = Frames, Description = "darknet mix")]
    public long Mix() => DecodeAll(_mix);

    private long DecodeAll(TrafficSample sample)
    {
        _decoder.StartFile();
        var fields = new PacketFields();
        long counted = 0, portFrames = 0, portSum = 0;
        var bytes = sample.Bytes;
        var offsets = sample.Offsets;
        var lengths = sample.Lengths;
        for (var i = 0; i < offsets.Length; i++)
        {
            _decoder.Decode(LinkType.Ethernet, bytes.AsSpan(offsets[i], lengths[i]), ref fields);
            if (fields.PassesDefaultFilter)
                counted++;
            var port = fields.DestinationPort;
            if (port >= 0)
            {
                portFrames++;
                portSum += port;
            }
        }
        BenchmarkCheckException.ThrowIfDifferent(sample.ExpectedCounted, counted, "frames passing the filter");
        BenchmarkCheckException.ThrowIfDifferent(sample.ExpectedDestinationPortFrames, portFrames, "frames with a dport");
        BenchmarkCheckException.ThrowIfDifferent(sample.ExpectedDestinationPortSum, portSum, "sum of dports");
        return counted;
    }
}
