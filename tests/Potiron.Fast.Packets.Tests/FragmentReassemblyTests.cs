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
