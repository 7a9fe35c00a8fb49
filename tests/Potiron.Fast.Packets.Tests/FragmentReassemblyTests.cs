using Potiron.Fast.Packets;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Packets.Tests;

public sealed class FragmentReassemblyTests
{
    private static readonly byte[] Datagram = Udp(6000, 7000, new byte[40]);

    private static byte[] Fragment(int offset, int length, bool more, ushort id = 9) =>
        Ethernet(Ipv4(A, B, 17, Datagram.AsSpan(offset, length).ToArray(), identification: id, moreFragments: more, fragmentOffset: offset));

    private static string[] DecodeAll(params byte[][] frames)
    {
        var decoder = new PacketDecoder();
        var fields = new PacketFields();
        var lines = new List<string>();
        foreach (var frame in frames)
        {
            decoder.Decode(LinkType.Ethernet, frame, ref fields);
            lines.Add(fields.UdpSourcePort >= 0 ? $"{fields.UdpSourcePort}>{fields.UdpDestinationPort}" : "-");
        }
        return lines.ToArray();
    }

    [Fact]
    public void Ports_appear_on_the_fragment_that_completes_the_datagram_only()
    {
        Assert.Equal(["-", "-", "6000>7000"], DecodeAll(Fragment(0, 16, true), Fragment(16, 16, true), Fragment(32, 16, false)));
        Assert.Equal(["-", "-", "6000>7000"], DecodeAll(Fragment(32, 16, false), Fragment(16, 16, true), Fragment(0, 16, true)));
    }

    [Fact]
    public void An_incomplete_datagram_shows_no_ports()
    {
        Assert.Equal(["-", "-"], DecodeAll(Fragment(0, 16, true), Fragment(32, 16, false)));
    }

    [Fact]
    public void A_first_fragment_cut_by_the_snapshot_length_is_dissected_as_it_is()
    {
        var cut = Fragment(0, 16, true)[..(14 + 20 + 10)];
        Assert.Equal(["6000>7000"], DecodeAll(cut));
    }

    [Fact]
    public void A_middle_fragment_that_ends_mid_unit_leaves_a_gap()
    {
        // Bytes 12 to 15 are in no fragment: tshark does not reassemble. Counting their 8-byte unit as covered made the
        // datagram complete with whatever an earlier datagram had left in the pooled buffer (split fuzz target).
        Assert.Equal(["-", "-"], DecodeAll(Fragment(0, 12, true), Fragment(16, 32, false)));
        Assert.Equal(["-", "-", "6000>7000"], DecodeAll(Fragment(0, 12, true), Fragment(16, 32, false), Fragment(8, 8, true)));
    }

    [Fact]
    public void A_reassembled_datagram_holds_only_the_bytes_of_its_fragments()
    {
        var reassembler = new FragmentReassembler();
        var key = FragmentKey.ForIpv4(1, 2, 3, 17);
        var stale = Enumerable.Repeat((byte)0xff, 64).ToArray();
        Assert.True(reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, 4, 17), 0, stale, false, out _));

        var data = Enumerable.Range(1, 40).Select(i => (byte)i).ToArray();
        Assert.False(reassembler.TryAdd(key, 0, data.AsSpan(0, 11), true, out _));
        Assert.False(reassembler.TryAdd(key, 16, data.AsSpan(16), false, out _));
        Assert.True(reassembler.TryAdd(key, 8, data.AsSpan(8, 8), true, out var datagram));
        Assert.Equal(data, datagram.ToArray());
    }

    [Fact]
    public void A_last_fragment_may_end_mid_unit()
    {
        var reassembler = new FragmentReassembler();
        var key = FragmentKey.ForIpv4(1, 2, 3, 17);
        var data = Enumerable.Range(1, 21).Select(i => (byte)i).ToArray();
        Assert.False(reassembler.TryAdd(key, 16, data.AsSpan(16), false, out _));
        Assert.True(reassembler.TryAdd(key, 0, data.AsSpan(0, 16), true, out var datagram));
        Assert.Equal(data, datagram.ToArray());
    }

    [Fact]
    public void Fragments_of_different_datagrams_do_not_mix()
    {
        Assert.Equal(["-", "-", "-"], DecodeAll(Fragment(0, 16, true, id: 1), Fragment(16, 16, true, id: 2), Fragment(32, 16, false, id: 1)));
    }

    [Fact]
    public void The_table_of_open_datagrams_is_bounded()
    {
        var reassembler = new FragmentReassembler();
        for (var i = 0; i < FragmentReassembler.MaximumDatagrams + 10; i++)
            reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, (ushort)i, 17), 0, new byte[8], true, out _);
        Assert.Equal(10, reassembler.Evicted);
    }
}
