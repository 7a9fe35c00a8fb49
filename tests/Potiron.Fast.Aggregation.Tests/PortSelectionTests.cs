using CsCheck;

namespace Potiron.Fast.Aggregation.Tests;

/// <summary><c>-ff</c> port fields: the reference's §3.5 port table, restated row by row as the oracle.</summary>
public sealed class PortSelectionTests
{
    private enum Rule { None, Tcp, Udp, TcpElseUdp }

    // score = tsport 8 + usport 4 + tdport 2 + udport 1 → (sport rule, dport rule), from the reference's table.
    private static readonly Dictionary<int, (Rule Source, Rule Destination)> Table = new()
    {
        [0] = (Rule.None, Rule.None),
        [1] = (Rule.None, Rule.Udp),
        [2] = (Rule.None, Rule.Tcp),
        [3] = (Rule.None, Rule.TcpElseUdp),
        [4] = (Rule.Udp, Rule.None),
        [5] = (Rule.Udp, Rule.Udp),
        [6] = (Rule.Udp, Rule.Tcp),
        [7] = (Rule.Udp, Rule.TcpElseUdp),
        [8] = (Rule.Tcp, Rule.None),
        [9] = (Rule.Tcp, Rule.Udp),
        [10] = (Rule.Tcp, Rule.Tcp),
        [11] = (Rule.Tcp, Rule.TcpElseUdp),
        [12] = (Rule.TcpElseUdp, Rule.None),
        [13] = (Rule.TcpElseUdp, Rule.Udp),
        [14] = (Rule.TcpElseUdp, Rule.Tcp),
        [15] = (Rule.TcpElseUdp, Rule.TcpElseUdp),
    };

    private static readonly string[] PortFields = ["tcp.srcport", "udp.srcport", "tcp.dstport", "udp.dstport"];

    private static long Expected(Rule rule, int tcp, int udp) => rule switch
    {
        Rule.Tcp => tcp,                          // raw(tsport): -1 when empty
        Rule.Udp => udp,
        Rule.TcpElseUdp => tcp >= 0 ? tcp : udp,
        _ => throw new InvalidOperationException(),
    };

    [Fact]
    public void Every_port_score_follows_the_reference_table()
    {
        var packets = Gen.Select(Gen.Int[-1, 3], Gen.Int[-1, 3], Gen.Int[-1, 3], Gen.Int[-1, 3]).Array[1, 30];
        packets.Sample(ports =>
        {
            for (var score = 0; score < 16; score++)
            {
                var names = new List<string> { "ip.src" };
                for (var bit = 0; bit < 4; bit++)
                {
                    if ((score & (8 >> bit)) != 0)
                        names.Add(PortFields[bit]);
                }
                Assert.True(FieldSelection.TryCreate(names, out var selection, out _));
                Assert.Equal(score, selection.PortScore);

                var tables = new CountTables(selection);
                var expectedSource = new Dictionary<string, long>(StringComparer.Ordinal);
                var expectedDestination = new Dictionary<string, long>(StringComparer.Ordinal);
                var (sourceRule, destinationRule) = Table[score];
                foreach (var (ts, us, td, ud) in ports)
                {
                    // A TCP header carries both ports or neither; likewise UDP.
                    var (tcpSource, tcpDestination) = ts < 0 || td < 0 ? (-1, -1) : (1000 + ts, 2000 + td);
                    var (udpSource, udpDestination) = us < 0 || ud < 0 ? (-1, -1) : (3000 + us, 4000 + ud);
                    var fields = Packet.Ipv4("10.0.0.1", "10.0.0.2", 6, 40);
                    fields.TcpSourcePort = tcpSource;
                    fields.TcpDestinationPort = tcpDestination;
                    fields.UdpSourcePort = udpSource;
                    fields.UdpDestinationPort = udpDestination;
                    tables.Count(0, fields);
                    if (sourceRule != Rule.None)
                        Increment(expectedSource, Expected(sourceRule, tcpSource, udpSource));
                    if (destinationRule != Rule.None)
                        Increment(expectedDestination, Expected(destinationRule, tcpDestination, udpDestination));
                }

                var zsets = Keys.Zsets(tables.ToFileCounts("s", "f", "d"));
                Check(zsets, "s:19700101:sport", expectedSource);
                Check(zsets, "s:19700101:dport", expectedDestination);
            }
        }, iter: 40);
    }

    private static void Increment(Dictionary<string, long> counts, long port)
    {
        var member = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        counts[member] = counts.GetValueOrDefault(member) + 1;
    }

    private static void Check(Dictionary<string, Dictionary<string, long>> zsets, string key, Dictionary<string, long> expected)
    {
        if (expected.Count == 0)
        {
            Assert.False(zsets.ContainsKey(key), key);
            return;
        }
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), zsets[key].OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Only_the_counted_fields_get_keys()
    {
        Assert.True(FieldSelection.TryCreate(["ip.ttl", "icmp.type"], out var selection, out _));
        var tables = new CountTables(selection);
        tables.Count(0, Packet.Ipv4("10.0.0.1", "10.0.0.2", 6, 40, ttl: 7).Tcp(1, 2, 3, 4));
        var zsets = Keys.Zsets(tables.ToFileCounts("s", "f", "d"));
        Assert.Equal(["s:19700101:icmptype", "s:19700101:ipttl", "s:19700101:protocol"], zsets.Keys.Order(StringComparer.Ordinal));
        Keys.Equal("7:1", zsets, "s:19700101:ipttl");
    }
}
