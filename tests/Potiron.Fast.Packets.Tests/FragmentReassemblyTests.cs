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

    [Fact]
    public void Buffers_grow_with_the_fragments_instead_of_taking_64_KiB_each()
    {
        // Darknet traffic leaves hundreds of small datagrams open per file; at 64 KiB each they took 38 MiB per file.
        var reassembler = new FragmentReassembler();
        for (var i = 0; i < 500; i++)
            reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, (ushort)i, 17), 0, new byte[600], true, out _);
        Assert.Equal(0, reassembler.Evicted);
        Assert.InRange(reassembler.OpenBytes, 500 * 600, 500 * 4096);
    }

    [Fact]
    public void Open_buffers_are_bounded_in_bytes_and_the_oldest_datagrams_go_first()
    {
        var reassembler = new FragmentReassembler();
        var big = new byte[60_000];
        var datagrams = FragmentReassembler.MaximumOpenBytes / 65536 + 20;
        for (var i = 0; i < datagrams; i++)
        {
            reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, (ushort)i, 17), 0, big, true, out _);
            Assert.InRange(reassembler.OpenBytes, 0, FragmentReassembler.MaximumOpenBytes);
        }
        Assert.Equal(20, reassembler.Evicted);

        // The youngest datagram is still open: its last fragment completes it. The oldest was dropped: its last
        // fragment alone completes nothing.
        var tail = new byte[16];
        Assert.True(reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, (ushort)(datagrams - 1), 17), 60_000, tail, false, out var whole));
        Assert.Equal(60_016, whole.Length);
        Assert.False(reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, 0, 17), 60_000, tail, false, out _));
    }

    [Fact]
    public void A_datagram_that_grows_past_the_bound_is_kept_and_older_ones_make_room()
    {
        var reassembler = new FragmentReassembler();
        var data = Enumerable.Range(0, 65_540).Select(i => (byte)i).ToArray();
        var first = FragmentKey.ForIpv4(9, 9, 9, 17);
        Assert.False(reassembler.TryAdd(first, 0, data.AsSpan(0, 8), true, out _));   // the oldest, 2 KiB
        var fillers = FragmentReassembler.MaximumOpenBytes / 65536 - 1;
        for (var i = 0; i < fillers; i++)
            reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, (ushort)i, 17), 0, new byte[40_000], true, out _);   // 64 KiB each
        // Growing the oldest to 64 KiB fills the bound exactly: nothing is dropped.
        Assert.False(reassembler.TryAdd(first, 8, data.AsSpan(8, 64_992), true, out _));
        Assert.Equal(0, reassembler.Evicted);
        Assert.Equal(FragmentReassembler.MaximumOpenBytes, reassembler.OpenBytes);
        // Its last fragment ends past 64 KiB and needs a 128 KiB buffer: the next oldest is dropped for it, its own bytes are kept.
        Assert.True(reassembler.TryAdd(first, 65_000, data.AsSpan(65_000), false, out var whole));
        Assert.Equal(data, whole.ToArray());
        Assert.Equal(1, reassembler.Evicted);
        Assert.False(reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, 0, 17), 40_000, new byte[8], false, out _));
        Assert.True(reassembler.TryAdd(FragmentKey.ForIpv4(1, 2, 1, 17), 40_000, new byte[8], false, out _));
    }

    [Fact]
    public void Many_reassembled_datagrams_leave_no_growing_bookkeeping()
    {
        // Each completed datagram left an entry in the age queue; on a file of millions of them the queue grew without
        // bound. Stale entries are now dropped; the datagrams still open are still evicted oldest first.
        var reassembler = new FragmentReassembler();
        var open = FragmentKey.ForIpv4(7, 7, 7, 17);
        reassembler.TryAdd(open, 0, new byte[8], true, out _);
        for (var i = 0; i < 100_000; i++)
        {
            var key = FragmentKey.ForIpv4(1, 2, (ushort)i, 17);
            reassembler.TryAdd(key, 0, new byte[8], true, out _);
            Assert.True(reassembler.TryAdd(key, 8, new byte[8], false, out _));
        }
        Assert.Equal(0, reassembler.Evicted);
        Assert.True(reassembler.AgeEntries <= 2 * FragmentReassembler.MaximumDatagrams + 1, $"{reassembler.AgeEntries} age entries");
        Assert.True(reassembler.TryAdd(open, 8, new byte[8], false, out _));
    }

    [Fact]
    public void Every_datagram_dropped_for_the_bounds_is_a_decode_event()
    {
        var decoder = new PacketDecoder();
        var fields = new PacketFields();
        for (var i = 0; i < FragmentReassembler.MaximumDatagrams + 7; i++)
            decoder.Decode(LinkType.Ethernet, Fragment(0, 16, true, id: (ushort)i), ref fields);
        Assert.Equal(7, decoder.Events[DecodeEvent.Ipv4ReassemblyEvicted]);
        Assert.Equal(FragmentReassembler.MaximumDatagrams + 7, decoder.Events[DecodeEvent.Ipv4Fragment]);
    }

    [Fact]
    public void Completion_agrees_with_a_unit_by_unit_model_on_random_fragments()
    {
        // The coverage is kept in 64-unit words; this model marks one 8-byte unit at a time, as tshark's rule reads.
        var random = new Random(20261128);
        for (var datagram = 0; datagram < 3000; datagram++)
        {
            var reassembler = new FragmentReassembler();
            var key = FragmentKey.ForIpv4(1, 2, (ushort)datagram, 17);
            var length = random.Next(1, random.Next(2) == 0 ? 200 : 65_535);
            var data = new byte[length];
            random.NextBytes(data);
            var covered = new bool[(length + 7) / 8 + 8200];
            var total = -1;
            for (var step = 0; step < 40; step++)
            {
                var offset = random.Next(0, (length + 7) / 8) * 8;
                var fragmentLength = Math.Min(length - offset, random.Next(1, random.Next(2) == 0 ? 64 : 20_000));
                var last = offset + fragmentLength == length && random.Next(3) != 0;
                var end = last ? (offset + fragmentLength + 7) / 8 : (offset + fragmentLength) / 8;
                for (var unit = offset / 8; unit < end; unit++)
                    covered[unit] = true;
                if (last)
                    total = length;
                var expected = total >= 0 && covered.AsSpan(0, (total + 7) / 8).IndexOf(false) < 0;
                var complete = reassembler.TryAdd(key, offset, data.AsSpan(offset, fragmentLength), !last, out var whole);
                Assert.Equal(expected, complete);
                if (complete)
                {
                    Assert.Equal(data, whole.ToArray());
                    break;
                }
            }
        }
    }
}
