namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// The PARAMETERS/FIELDS/JSON_FIELDS of several runs, against values the original's <c>potiron_parameters.py</c>
/// (commit 7e9fc33) produced for the same options (run once with a stand-in Redis, pasted here), and against the oracle.
/// </summary>
public sealed class PotironParametersTests
{
    private const string StandardCommand =
        "tshark -n -q -Tfields -e frame.time_epoch -e ip.len -e ip.proto -e ip.src -e ip.dst -e ip.ttl -e ip.dsfield -e tcp.srcport -e udp.srcport -e tcp.dstport -e udp.dstport -e tcp.seq -e tcp.ack -e icmp.code -e icmp.type -E header=n -E separator=/s -E occurrence=f -Y 'ip.dst ne 255.255.255.255' -r {} -o tcp.relative_sequence_numbers:FALSE";

    [Fact]
    public void Default_standard_run()
    {
        var p = PotironParameters.Create(new RunParameters());
        AssertEntries(p, new()
        {
            ["ck"] = "False", ["cmd"] = StandardCommand, ["enable_json"] = "False", ["format"] = "standard", ["ip_score"] = "3",
            ["port_score"] = "15", ["rootdir"] = "None", ["to_call"] = "_parse_ips_parse_ports_parse_protocol", ["tshark_filter"] = "",
        });
        Assert.Equal(["timestamp", "length", "protocol", "ipsrc", "ipdst", "ipttl", "iptos", "tsport", "usport", "tdport", "udport", "tcpseq", "tcpack", "icmpcode", "icmptype"], p.Fields);
        Assert.Equal(["length", "protocol", "ipsrc", "ipdst", "ipttl", "iptos", "sport", "dport", "tcpseq", "tcpack", "icmpcode", "icmptype"], p.JsonFields);
    }

    [Fact]
    public void Field_filter_with_one_address()
    {
        var p = PotironParameters.Create(new RunParameters { Fields = Select("ip.src") });
        AssertEntries(p, new()
        {
            ["rootdir"] = "None", ["tshark_filter"] = "", ["enable_json"] = "False", ["format"] = "standard", ["ck"] = "False",
            ["cmd"] = "tshark -n -q -Tfields -e frame.time_epoch -e ip.proto -e ip.src -E header=n -E separator=/s -E occurrence=f -Y 'ip.dst ne 255.255.255.255' -r {} -o tcp.relative_sequence_numbers:FALSE",
            ["port_score"] = "0", ["ip_score"] = "2", ["to_call"] = "_parse_ips_dont_parse_ports_parse_protocol",
        });
        Assert.Equal(["timestamp", "protocol", "ipsrc"], p.Fields);
        Assert.Equal(["protocol", "ipsrc"], p.JsonFields);
    }

    [Fact]
    public void Field_filter_with_ports_keeps_the_user_order()
    {
        var p = PotironParameters.Create(new RunParameters { Fields = Select("tcp.dstport", "udp.srcport", "ip.dst") });
        Assert.Equal("tshark -n -q -Tfields -e frame.time_epoch -e ip.proto -e tcp.dstport -e udp.srcport -e ip.dst -E header=n -E separator=/s -E occurrence=f -Y 'ip.dst ne 255.255.255.255' -r {} -o tcp.relative_sequence_numbers:FALSE", p.Command);
        Assert.Equal("6", p["port_score"]);
        Assert.Equal("1", p["ip_score"]);
        Assert.Equal("_parse_ips_parse_ports_parse_protocol", p["to_call"]);
        Assert.Equal(["timestamp", "protocol", "tdport", "usport", "ipdst"], p.Fields);
        Assert.Equal(["protocol", "dport", "sport", "ipdst"], p.JsonFields);
    }

    [Fact]
    public void User_filter_is_appended_without_parentheses()
    {
        var p = PotironParameters.Create(new RunParameters { UserFilter = "tcp.port == 22" });
        Assert.Equal("ip.dst ne 255.255.255.255 && tcp.port == 22", p["tshark_filter"]);
        Assert.Equal(StandardCommand.Replace("'ip.dst ne 255.255.255.255'", "'ip.dst ne 255.255.255.255 && tcp.port == 22'", StringComparison.Ordinal), p.Command);
    }

    [Fact]
    public void Field_filter_user_filter_and_combined_keys_together()
    {
        var p = PotironParameters.Create(new RunParameters
        {
            Fields = Select("ip.proto", "frame.time_epoch", "ip.ttl"), UserFilter = "tcp.port == 22 || udp", CombinedKeys = true,
        });
        AssertEntries(p, new()
        {
            ["rootdir"] = "None", ["enable_json"] = "False", ["format"] = "standard", ["ck"] = "True",
            ["tshark_filter"] = "ip.dst ne 255.255.255.255 && tcp.port == 22 || udp",
            ["cmd"] = "tshark -n -q -Tfields -e ip.proto -e frame.time_epoch -e ip.ttl -E header=n -E separator=/s -E occurrence=f -Y 'ip.dst ne 255.255.255.255 && tcp.port == 22 || udp' -r {} -o tcp.relative_sequence_numbers:FALSE",
            ["port_score"] = "0", ["ip_score"] = "0", ["to_call"] = "_dont_parse_ips_dont_parse_ports_parse_protocol",
        });
        Assert.Equal(["protocol", "timestamp", "ipttl"], p.Fields);
        Assert.Equal(["protocol", "ipttl"], p.JsonFields);
    }

    [Fact]
    public void Isn_and_layer2_with_a_user_filter()
    {
        var isn = PotironParameters.Create(new RunParameters { Format = IngestFormat.Isn, UserFilter = "tcp.port == 80" });
        AssertEntries(isn, new()
        {
            ["rootdir"] = "None", ["enable_json"] = "False", ["format"] = "isn",
            ["tshark_filter"] = "ip.dst ne 255.255.255.255 && ip.proto eq 6 && tcp.port == 80",
            ["cmd"] = "tshark -n -q -Tfields -e frame.time_epoch -e tcp.srcport -e tcp.dstport -e tcp.seq -e tcp.ack -E header=n -E separator=/s -E occurrence=f -Y 'ip.dst ne 255.255.255.255 && ip.proto eq 6 && tcp.port == 80' -r {} -o tcp.relative_sequence_numbers:FALSE",
        });
        Assert.Empty(isn.Fields);
        var layer2 = PotironParameters.Create(new RunParameters { Format = IngestFormat.Layer2, UserFilter = "arp.opcode == 1" });
        AssertEntries(layer2, new()
        {
            ["rootdir"] = "None", ["enable_json"] = "False", ["format"] = "layer2", ["tshark_filter"] = "eth.type == 0x806 && arp.opcode == 1",
            ["cmd"] = "tshark -n -q -Tfields -e frame.time_epoch -e eth.src -e eth.dst -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 -e arp.src.hw_mac -e arp.dst.hw_mac -e arp.opcode -E header=n -E separator=/s -E occurrence=f -Y 'eth.type == 0x806 && arp.opcode == 1' -r {} -o tcp.relative_sequence_numbers:FALSE",
        });
    }

    [Fact]
    public void Json_output_records_the_root_directory_as_given()
    {
        var p = PotironParameters.Create(new RunParameters { EnableJson = true, OutputDirectory = "out/" });
        Assert.Equal("True", p["enable_json"]);
        Assert.Equal("out/", p["rootdir"]);
        // Without -ej the original stores None even when -o was given.
        Assert.Equal("None", PotironParameters.Create(new RunParameters { OutputDirectory = "out/" })["rootdir"]);
    }

    [Fact]
    public void Ipv6_adds_one_entry_and_changes_nothing_else()
    {
        var plain = PotironParameters.Create(new RunParameters());
        var ipv6 = PotironParameters.Create(new RunParameters { Ipv6 = true });
        Assert.Null(plain["ipv6"]);
        Assert.Equal("True", ipv6["ipv6"]);
        Assert.Equal(plain.Entries, ipv6.Entries.Where(e => e.Key != "ipv6"));
    }

    [Theory]
    [InlineData("standard", IngestFormat.Standard, false)]
    [InlineData("ck", IngestFormat.Standard, true)]
    [InlineData("isn", IngestFormat.Isn, false)]
    [InlineData("l2", IngestFormat.Layer2, false)]
    public void Equal_to_the_oracle(string mode, IngestFormat format, bool combined)
    {
        var path = RepositoryFolders.SharedFile("oracle", mode, "corpus-http-000-20241127174516.pcap.json");
        Assert.SkipWhen(path is null, "shared/oracle is not beside the repository");
        var oracle = CanonicalDump.Load(path!);
        var p = PotironParameters.Create(new RunParameters { Format = format, CombinedKeys = combined });
        var stored = (System.Text.Json.Nodes.JsonObject)oracle.Keys[PotironKeys.Parameters].Value!;
        Assert.Equal(stored.ToDictionary(e => e.Key, e => (string)e.Value!).OrderBy(e => e.Key, StringComparer.Ordinal),
            p.Entries.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    private static FieldSelection Select(params string[] fields)
    {
        Assert.True(FieldSelection.TryCreate(fields, out var selection, out var error), error);
        return selection;
    }

    private static void AssertEntries(PotironParameters p, Dictionary<string, string> expected) =>
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), p.Entries.OrderBy(e => e.Key, StringComparer.Ordinal));
}
