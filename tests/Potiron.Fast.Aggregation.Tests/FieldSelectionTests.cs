namespace Potiron.Fast.Aggregation.Tests;

public sealed class FieldSelectionTests
{
    [Fact]
    public void Field_filter_forces_timestamp_and_protocol_in_and_derives_the_original_lists()
    {
        // Reference §3.2: -ff ip.src gives FIELDS=[timestamp, protocol, ipsrc] and JSON_FIELDS=[protocol, ipsrc].
        Assert.True(FieldSelection.TryCreate(["ip.src"], out var selection, out _));
        Assert.Equal(["frame.time_epoch", "ip.proto", "ip.src"], selection.TsharkFields);
        Assert.Equal(["timestamp", "protocol", "ipsrc"], selection.Fields);
        Assert.Equal(["protocol", "ipsrc"], selection.JsonFields);
        Assert.Equal(2, selection.IpScore);
        Assert.Equal(0, selection.PortScore);
        Assert.Equal("_parse_ips_dont_parse_ports_parse_protocol", selection.ToCall);
    }

    [Fact]
    public void Raw_port_names_fold_into_sport_and_dport_once()
    {
        Assert.True(FieldSelection.TryCreate(["udp.dstport", "tcp.srcport", "tcp.dstport"], out var selection, out _));
        Assert.Equal(["timestamp", "protocol", "udport", "tsport", "tdport"], selection.Fields);
        Assert.Equal(["protocol", "dport", "sport"], selection.JsonFields);
        Assert.Equal(8 + 2 + 1, selection.PortScore);
    }

    [Fact]
    public void An_unknown_field_gives_the_original_message()
    {
        Assert.False(FieldSelection.TryCreate(["ip.bogus"], out _, out var error));
        Assert.Equal("Wrong value for fields filter, choose in the following list: frame.time_epoch, ip.len, ip.proto, ip.src, ip.dst, ip.ttl, " +
                     "ip.dsfield, tcp.srcport, udp.srcport, tcp.dstport, udp.dstport, tcp.seq, tcp.ack, icmp.code, icmp.type.\n" +
                     "Alternatively if you do not specify any field to filter on, all the fields in this list will be used.", error);
    }

    [Fact]
    public void A_field_given_twice_is_refused()
    {
        Assert.False(FieldSelection.TryCreate(["ip.src", "ip.dst", "ip.src"], out _, out var error));
        Assert.Contains("ip.src twice", error);
    }
}
