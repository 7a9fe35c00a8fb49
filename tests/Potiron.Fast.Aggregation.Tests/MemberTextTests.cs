using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

public sealed class MemberTextTests
{
    [Theory]
    [InlineData(0, "0x00")]
    [InlineData(0x10, "0x10")]
    [InlineData(0xb8, "0xb8")]
    [InlineData(0xFF, "0xff")]
    [InlineData(-1, "0")]
    public void Tos_is_two_lowercase_hex_digits_and_absent_is_plain_zero(int tos, string expected) =>
        Assert.Equal(expected, MemberText.Tos(tos));

    [Theory]
    [InlineData(-1, "-1")]
    [InlineData(0, "0")]
    [InlineData(65535, "65535")]
    [InlineData(65575, "65575")]
    [InlineData(70000, "70000")]
    public void Decimal_forms(int value, string expected)
    {
        Assert.Equal(expected, MemberText.Decimal(value));
        if (value is >= -1 and <= 65575)
            Assert.Same(MemberText.Decimal(value), MemberText.Decimal(value));   // made once, shared by flushes
    }

    [Fact]
    public void Unsigned_and_icmp_forms()
    {
        Assert.Equal("4294967295", MemberText.Decimal(uint.MaxValue));
        Assert.Equal("0", MemberText.Decimal(0u));
        Assert.Equal("255", MemberText.Icmp(-1));
        Assert.Equal("3", MemberText.Icmp(3));
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("192.168.1.2")]
    public void Ipv4_is_a_dotted_quad(string address) => Assert.Equal(address, MemberText.Ipv4(Packet.Address(address)));

    [Theory]
    [InlineData("2001:db8::1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1:2:3:4")]
    [InlineData("2001:db8:0:1:1:1:1:1")]
    [InlineData("2001:db8::1:0:0:1")]
    [InlineData("::ffff:192.0.2.1")]
    public void Ipv6_is_RFC_5952_text(string address) => Assert.Equal(address, MemberText.Ipv6(Packet.Address6(address)));

    [Fact]
    public void Ipv6_text_is_lowercase_and_compresses_the_longest_zero_run()
    {
        Assert.Equal("2001:db8::abcd", MemberText.Ipv6(new Ipv6Address(0x20010DB800000000, 0x000000000000ABCD)));
        Assert.Equal("2001:0:0:1::1", MemberText.Ipv6(Packet.Address6("2001:0:0:1:0:0:0:1")));
    }

    [Fact]
    public void Edge_values_through_the_tables()
    {
        var tables = new CountTables(FieldSelection.All, combinedKeys: true);
        tables.Count(0, Packet.Ipv4("0.0.0.0", "10.0.0.1", 99, 20, ttl: 0, tos: 0).Tcp(0, 65535, 4294967295, 0));
        tables.Count(0, Packet.Ipv4("10.0.0.1", "10.0.0.2", 1, 28, ttl: 255, tos: 0xb8).Icmp(255, 255));
        var zsets = Keys.Zsets(tables.ToFileCounts("s", "f", "d"));

        Keys.Equal("0x00:1", zsets, "s:#:19700101:iptos");
        Keys.Equal("0.0.0.0:1", zsets, "s:#:19700101:ipsrc");
        Keys.Equal("4294967295:1", zsets, "s:#:19700101:tcpseq");
        Keys.Equal("0:1", zsets, "s:#:19700101:tcpack");
        Keys.Equal("0:1", zsets, "s:#:19700101:sport");
        Keys.Equal("65535:1", zsets, "s:#:19700101:dport");
        Keys.Equal("0:1", zsets, "s:#:19700101:ipttl");
        Keys.Equal("255:1", zsets, "s:#:19700101:icmptype");   // absent
        Keys.Equal("99:1", zsets, "s:#:19700101:protocol");
        Keys.Equal("0xb8:1", zsets, "s:icmp:19700101:iptos");
        Keys.Equal("255:1", zsets, "s:icmp:19700101:ipttl");
        Keys.Equal("255:1", zsets, "s:icmp:19700101:icmpcode");   // a real 255
        Keys.Equal("-1:1", zsets, "s:icmp:19700101:tcpseq");
        Keys.Equal("-1:1", zsets, "s:icmp:19700101:sport");
    }

    [Fact]
    public void Unknown_protocol_gets_its_decimal_name_in_combined_keys()
    {
        var tables = new CountTables(FieldSelection.All, combinedKeys: true);
        tables.Count(0, Packet.Ipv4("10.0.0.1", "10.0.0.2", 253, 20));
        var counts = tables.ToFileCounts("s", "f", "d");
        Assert.Equal(["253"], counts.Protocols);
        Keys.Equal("253:1", Keys.Zsets(counts), "s:253:19700101:protocol");
    }
}
