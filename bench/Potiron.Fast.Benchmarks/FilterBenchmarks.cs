using BenchmarkDotNet.Attributes;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// The filter decision per decoded frame (potiron's <c>ip.dst ne 255.255.255.255</c>), alone and with the day lookup
/// that follows it, over the decoded darknet mix. Baseline: the default filter.
/// </summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    public const int Frames = 65_536;

    private PacketFields[] _fields = [];
    private long[] _seconds = [];
    private long _expectedDefault;
    private long _expectedWithIpv6;
    private DayCalendar _calendar = new();

    [GlobalSetup]
    public void Setup()
    {
        var sample = SyntheticTraffic.Generate(Frames, TrafficKind.Mix, seed: 9);
        var decoder = new PacketDecoder();
        _fields = new PacketFields[sample.Count];
        _seconds = new long[sample.Count];
        long ipv6Only = 0;
        for (var i = 0; i < sample.Count; i++)
        {
            decoder.Decode(LinkType.Ethernet, sample.Frame(i), ref _fields[i]);
            _seconds[i] = sample.Seconds[i];
            if (_fields[i].HasIpv6 && !_fields[i].HasIpv4)
                ipv6Only++;
        }
        _expectedDefault = sample.ExpectedCounted;
        _expectedWithIpv6 = sample.ExpectedCounted + ipv6Only;
        _calendar = new DayCalendar();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "ip.dst ne 255.255.255.255")]
    public long DefaultFilter()
    {
        long counted = 0;
        foreach (ref readonly var fields in _fields.AsSpan())
        {
            if (CountTables.IsCounted(fields, ipv6: false))
                counted++;
        }
        BenchmarkCheckException.ThrowIfDifferent(_expectedDefault, counted, "frames passing the filter");
        return counted;
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "filter with --ipv6")]
    public long FilterWithIpv6()
    {
        long counted = 0;
        foreach (ref readonly var fields in _fields.AsSpan())
        {
            if (CountTables.IsCounted(fields, ipv6: true))
                counted++;
        }
        BenchmarkCheckException.ThrowIfDifferent(_expectedWithIpv6, counted, "frames passing the filter with --ipv6");
        return counted;
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "filter + UTC day")]
    public long FilterAndDay()
    {
        long counted = 0, daySum = 0;
        var fields = _fields;
        var seconds = _seconds;
        for (var i = 0; i < fields.Length; i++)
        {
            if (CountTables.IsCounted(fields[i], ipv6: false) && _calendar.TryGetDay(seconds[i], out var day))
            {
                counted++;
                daySum += day;
            }
        }
        BenchmarkCheckException.ThrowIfDifferent(_expectedDefault, counted, "frames passing the filter with a day");
        return daySum;
    }
}
