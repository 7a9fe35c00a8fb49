using System.Collections.Frozen;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// potiron's field names: the tshark fields of the standard command, in order, and the JSON/Redis
/// name each one maps to (reference §3.4). The one place that knows these spellings.
/// </summary>
public static class FieldCatalogue
{
    /// <summary>The 15 tshark fields of the standard format, in the order of the original's command.</summary>
    public static readonly IReadOnlyList<string> StandardTsharkFields =
    [
        "frame.time_epoch", "ip.len", "ip.proto", "ip.src", "ip.dst", "ip.ttl", "ip.dsfield",
        "tcp.srcport", "udp.srcport", "tcp.dstport", "udp.dstport", "tcp.seq", "tcp.ack", "icmp.code", "icmp.type",
    ];

    public static readonly IReadOnlyList<string> IsnTsharkFields =
        ["frame.time_epoch", "tcp.srcport", "tcp.dstport", "tcp.seq", "tcp.ack"];

    public static readonly IReadOnlyList<string> Layer2TsharkFields =
    [
        "frame.time_epoch", "eth.src", "eth.dst", "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
        "arp.src.hw_mac", "arp.dst.hw_mac", "arp.opcode",
    ];

    /// <summary>tshark field → the name in <c>FIELDS</c> (raw port names included).</summary>
    public static readonly FrozenDictionary<string, string> JsonNameOfTsharkField = new Dictionary<string, string>
    {
        ["frame.time_epoch"] = "timestamp",
        ["ip.len"] = "length",
        ["ip.proto"] = "protocol",
        ["ip.src"] = "ipsrc",
        ["ip.dst"] = "ipdst",
        ["ip.ttl"] = "ipttl",
        ["ip.dsfield"] = "iptos",
        ["tcp.srcport"] = "tsport",
        ["udp.srcport"] = "usport",
        ["tcp.dstport"] = "tdport",
        ["udp.dstport"] = "udport",
        ["tcp.seq"] = "tcpseq",
        ["tcp.ack"] = "tcpack",
        ["icmp.code"] = "icmpcode",
        ["icmp.type"] = "icmptype",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The name used in zset keys and <c>JSON_FIELDS</c> for each counted field.</summary>
    public static string JsonName(PotironField field) => field switch
    {
        PotironField.Length => "length",
        PotironField.Protocol => "protocol",
        PotironField.IpSource => "ipsrc",
        PotironField.IpDestination => "ipdst",
        PotironField.IpTtl => "ipttl",
        PotironField.IpTos => "iptos",
        PotironField.SourcePort => "sport",
        PotironField.DestinationPort => "dport",
        PotironField.TcpSequence => "tcpseq",
        PotironField.TcpAcknowledgement => "tcpack",
        PotironField.IcmpCode => "icmpcode",
        PotironField.IcmpType => "icmptype",
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    /// <summary>The counted field behind a <c>JSON_FIELDS</c> name, or false for <c>timestamp</c> and unknown names.</summary>
    public static bool TryGetField(string jsonName, out PotironField field)
    {
        for (var f = PotironField.Length; f <= PotironField.IcmpType; f++)
        {
            if (JsonName(f) == jsonName)
            {
                field = f;
                return true;
            }
        }
        field = default;
        return false;
    }
}
