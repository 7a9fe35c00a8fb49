using System.Buffers.Binary;
using Potiron.Fast.Capture;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>One seed capture: its bytes as stored, and its structure when it is an uncompressed pcap or pcapng.</summary>
internal sealed record MutationSeed(string Name, byte[] Bytes, CaptureLayout? Layout);

/// <summary>One mutated capture and how it was made (for the failure message).</summary>
internal sealed record MutatedCapture(int Index, byte[] Bytes, string Description);

/// <summary>
/// Makes variant <c>i</c> of a seed set, deterministically and independently of every other variant (each has its own
/// generator seeded from <see cref="MasterSeed"/> and <c>i</c>), so that a failing index can be replayed alone. The
/// mutations: bit flips and byte sets, truncations, rewrites of the length, type, version and time fields of pcap
/// global and record headers and of pcapng blocks and options (caplen 0xFFFFFFFF, caplen beyond the snaplen or the
/// file, block lengths misaligned, huge or below the minimum, trailers that disagree ...), IPv4 IHL / total length /
/// protocol / fragment and IPv6 payload length / next header rewrites (outer and tunnelled headers), splices of two
/// captures, and gzip / lz4 / zstd wrappers cut short or damaged.
/// </summary>
internal sealed class CaptureMutator
{
    public const ulong MasterSeed = 0x9E37_79B9_7F4A_7C15;

    private static readonly uint[] LinkTypes = [0, 1, 9, 12, 14, 50, 101, 104, 105, 108, 113, 127, 129, 147, 192, 226, 228, 229, 239, 242, 258, 276, 65535];
    private static readonly byte[] IpProtocols = [0, 1, 2, 4, 6, 17, 41, 43, 44, 47, 50, 51, 58, 59, 60, 97, 103, 108, 132, 136, 137, 255];

    private readonly IReadOnlyList<MutationSeed> _seeds;
    private readonly IReadOnlyList<CaptureLayout> _layouts;
    private readonly IReadOnlyList<CaptureLayout> _withNetwork;

    public CaptureMutator(IReadOnlyList<MutationSeed> seeds)
    {
        _seeds = seeds;
        _layouts = seeds.Where(s => s.Layout is not null).Select(s => s.Layout!).ToArray();
        _withNetwork = _layouts.Where(l => l.Frames.Any(f => f.NetworkOffset >= 0)).ToArray();
        if (_layouts.Count == 0 || _withNetwork.Count == 0)
            throw new ArgumentException("the seeds hold no readable pcap or pcapng capture", nameof(seeds));
    }

    public MutatedCapture Create(int index)
    {
        var random = new SplitMix(MasterSeed ^ ((ulong)index * 0xD1B5_4A32_D192_ED03UL));
        var notes = new List<string>();
        var bytes = random.Next(100) switch
        {
            < 18 => RawBytes(random, notes),
            < 30 => Truncated(random, notes),
            < 58 => FieldRewrites(random, notes),
            < 73 => NetworkRewrites(random, notes),
            < 85 => Splice(random, notes),
            _ => CompressedWrapper(random, notes),
        };
        if (random.Next(100) < 15 && bytes.Length > 0)
            FlipBits(bytes, random, 1, notes);
        return new MutatedCapture(index, bytes, string.Join("; ", notes));
    }

    private byte[] RawBytes(SplitMix random, List<string> notes)
    {
        var seed = _seeds[random.Next(_seeds.Count)];
        notes.Add($"seed {seed.Name}");
        var bytes = seed.Bytes.ToArray();
        var operations = 1 + random.Next(4);
        for (var i = 0; i < operations && bytes.Length > 0; i++)
        {
            switch (random.Next(6))
            {
                case 0 or 1:
                    FlipBits(bytes, random, 1 + random.Next(8), notes);
                    break;
                case 2:
                {
                    var at = random.Next(bytes.Length);
                    ReadOnlySpan<byte> values = [0x00, 0xff, 0x7f, 0x80, 0x01, 0x45, 0x60];
                    bytes[at] = random.Next(3) == 0 ? (byte)random.Next(256) : values[random.Next(values.Length)];
                    notes.Add($"byte {at} = 0x{bytes[at]:x2}");
                    break;
                }
                case 3:
                {
                    var at = random.Next(bytes.Length);
                    var length = Math.Min(bytes.Length - at, 1 + random.Next(16));
                    var fill = random.Next(2) == 0 ? (byte)0xff : (byte)0;
                    bytes.AsSpan(at, length).Fill(fill);
                    notes.Add($"bytes {at}..{at + length} = 0x{fill:x2}");
                    break;
                }
                case 4:
                {
                    var at = random.Next(bytes.Length);
                    var length = Math.Min(bytes.Length - at, 1 + random.Next(64));
                    bytes = [.. bytes.AsSpan(0, at), .. bytes.AsSpan(at + length)];
                    notes.Add($"deleted {length} bytes at {at}");
                    break;
                }
                default:
                {
                    var at = random.Next(bytes.Length + 1);
                    var inserted = new byte[1 + random.Next(64)];
                    random.Fill(inserted);
                    bytes = [.. bytes.AsSpan(0, at), .. inserted, .. bytes.AsSpan(at)];
                    notes.Add($"inserted {inserted.Length} bytes at {at}");
                    break;
                }
            }
        }
        return bytes;
    }

    private byte[] Truncated(SplitMix random, List<string> notes)
    {
        var seed = _seeds[random.Next(_seeds.Count)];
        notes.Add($"seed {seed.Name}");
        int cut;
        if (seed.Layout is { } layout && random.Next(2) == 0)
        {
            // Near a record or block start: inside its header, or just past it.
            var boundary = layout.Boundaries[random.Next(layout.Boundaries.Count)];
            cut = Math.Clamp(boundary + random.Next(40) - 8, 0, seed.Bytes.Length);
        }
        else
        {
            cut = random.Next(seed.Bytes.Length + 1);
        }
        notes.Add($"cut at {cut} of {seed.Bytes.Length}");
        return seed.Bytes[..cut];
    }

    private byte[] FieldRewrites(SplitMix random, List<string> notes)
    {
        var layout = _layouts[random.Next(_layouts.Count)];
        notes.Add($"seed {layout.Name}");
        var bytes = layout.Bytes.ToArray();
        RewriteFields(layout, bytes, random, 1 + random.Next(3), notes);
        if (random.Next(5) == 0)
        {
            var cut = random.Next(bytes.Length + 1);
            notes.Add($"cut at {cut}");
            return bytes[..cut];
        }
        return bytes;
    }

    private static void RewriteFields(CaptureLayout layout, byte[] bytes, SplitMix random, int count, List<string> notes)
    {
        for (var i = 0; i < count; i++)
        {
            var field = layout.Fields[random.Next(layout.Fields.Count)];
            var value = Interesting(field, field.Read(layout.Bytes), bytes.Length - field.Offset, random);
            field.Write(bytes, value);
            notes.Add($"{field.Field}@{field.Offset} = 0x{value:x}");
        }
    }

    private static uint Interesting(FieldAt field, uint current, int remaining, SplitMix random)
    {
        uint[] values = field.Field switch
        {
            LayoutField.RecordCapturedLength or LayoutField.PacketCapturedLength =>
                [0xffffffff, 0x7fffffff, 0x80000000, 0, 1, current + 1, current - 1, current + 4, (uint)remaining + 1 + (uint)random.Next(64),
                    CaptureLimits.StandardMaxCapturedLength, CaptureLimits.StandardMaxCapturedLength + 1, CaptureLimits.LargeMaxCapturedLength + 1, 0xffff, 0x10000],
            LayoutField.RecordOriginalLength => [0, 1, 0xffffffff, current - 1, current + 1, 0x7fffffff],
            LayoutField.PcapSnapLength or LayoutField.InterfaceSnapLength => [0, 1, 14, 20, 64, 65535, 262144, 262145, 0xffffffff],
            LayoutField.PcapNetwork => [.. LinkTypes, 0x03ff0001, 0xfc000001, 0x10000001],
            LayoutField.InterfaceLinkType => LinkTypes,
            LayoutField.PcapVersionMajor => [0, 1, 2, 3, 4, 543, 0xffff],
            LayoutField.PcapVersionMinor or LayoutField.SectionVersion => [0, 1, 2, 3, 4, 5, 0xffff],
            LayoutField.PcapMagic => [0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1, 0x0a0d0d0a],
            LayoutField.RecordSeconds or LayoutField.PacketTimestamp =>
                [0, 0xffffffff, 0x7fffffff, 0x80000000, current + 86400, current - 86400, current + 86400 * 365, 0xfffe0000],
            LayoutField.RecordFraction => [999_999, 1_000_000, 999_999_999, 1_000_000_000, 0x7fffffff, 0x80000000, 0xffffffff],
            LayoutField.BlockType => [0, 1, 2, 3, 4, 5, 6, 7, 10, 0xbad, 0x40000bad, 0x0a0d0d0a, 0x80000001],
            LayoutField.BlockLength or LayoutField.BlockTrailer =>
                [0, 4, 8, 12, 16, 20, 24, 28, 31, current + 1, current + 2, current + 3, current + 4, current - 4, 0x7fffffff, 0xffffffff, 0xfffffffc,
                    CaptureLimits.MaxPcapngBlockLength, CaptureLimits.MaxPcapngBlockLength + 4, (uint)remaining + 4, (uint)remaining + 1024],
            LayoutField.SectionByteOrder => [0x4d3c2b1a, 0x1a2b3c4d, 0],
            LayoutField.PacketInterfaceId => [1, 2, 3, 255, 0xffff, 0xffffffff],
            LayoutField.OptionCode => [0, 1, 2, 4, 5, 6, 7, 9, 11, 14, 2988, 2989, 19372, 19373, 0xffff],
            LayoutField.OptionLength => [0, 1, 3, 4, 7, 8, 9, 0xffff, current + 4, current - 1],
            _ => [0, 0xffffffff],
        };
        return random.Next(8) == 0 ? (uint)random.NextUInt64() : values[random.Next(values.Length)];
    }

    private byte[] NetworkRewrites(SplitMix random, List<string> notes)
    {
        var layout = _withNetwork[random.Next(_withNetwork.Count)];
        notes.Add($"seed {layout.Name}");
        var bytes = layout.Bytes.ToArray();
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var frames = layout.Frames;
            var frame = frames[random.Next(frames.Count)];
            int at;
            if (frame.NetworkOffset >= 0 && random.Next(3) != 0)
            {
                at = frame.Offset + frame.NetworkOffset;
            }
            else
            {
                // An inner header: a tunnelled or quoted packet, found by its first byte.
                var inner = bytes.AsSpan(frame.Offset, frame.Length).IndexOfAny((byte)0x45, (byte)0x60);
                if (inner < 0)
                    continue;
                var next = bytes.AsSpan(frame.Offset + inner + 1, frame.Length - inner - 1).IndexOfAny((byte)0x45, (byte)0x60);
                at = frame.Offset + inner + (next >= 0 && random.Next(2) == 0 ? next + 1 : 0);
            }
            var end = frame.Offset + frame.Length;
            if ((bytes[at] >> 4) == 4 && at + 20 <= end)
                RewriteIpv4(bytes, at, end, random, notes);
            else if ((bytes[at] >> 4) == 6 && at + 40 <= end)
                RewriteIpv6(bytes, at, end, random, notes);
        }
        return bytes;
    }

    private static void RewriteIpv4(byte[] bytes, int at, int end, SplitMix random, List<string> notes)
    {
        var header = bytes.AsSpan(at);
        switch (random.Next(5))
        {
            case 0:
                header[0] = (byte)(0x40 | random.Next(16));
                notes.Add($"IPv4@{at} IHL = {header[0] & 0xf}");
                break;
            case 1 or 2:
            {
                ushort[] values = [0, 1, 19, 20, (ushort)((header[0] & 0xf) * 4 - 1), (ushort)Math.Min(65535, end - at + 1), 0xffff,
                    (ushort)(BinaryPrimitives.ReadUInt16BigEndian(header[2..]) + 1), (ushort)random.Next(65536)];
                var value = values[random.Next(values.Length)];
                BinaryPrimitives.WriteUInt16BigEndian(header[2..], value);
                notes.Add($"IPv4@{at} total length = {value}");
                break;
            }
            case 3:
                header[9] = random.Next(4) == 0 ? (byte)random.Next(256) : IpProtocols[random.Next(IpProtocols.Length)];
                notes.Add($"IPv4@{at} protocol = {header[9]}");
                break;
            default:
            {
                ushort[] values = [0x2000, 0x0001, 0x1fff, 0x3fff, 0x4000, (ushort)random.Next(65536)];
                var value = values[random.Next(values.Length)];
                BinaryPrimitives.WriteUInt16BigEndian(header[6..], value);
                notes.Add($"IPv4@{at} flags+offset = 0x{value:x4}");
                break;
            }
        }
    }

    private static void RewriteIpv6(byte[] bytes, int at, int end, SplitMix random, List<string> notes)
    {
        var header = bytes.AsSpan(at);
        if (random.Next(2) == 0)
        {
            ushort[] values = [0, 1, 8, 0xffff, (ushort)Math.Clamp(end - at - 40 + 1, 0, 65535), (ushort)random.Next(65536)];
            var value = values[random.Next(values.Length)];
            BinaryPrimitives.WriteUInt16BigEndian(header[4..], value);
            notes.Add($"IPv6@{at} payload length = {value}");
        }
        else
        {
            header[6] = random.Next(4) == 0 ? (byte)random.Next(256) : IpProtocols[random.Next(IpProtocols.Length)];
            notes.Add($"IPv6@{at} next header = {header[6]}");
        }
    }

    private byte[] Splice(SplitMix random, List<string> notes)
    {
        var first = _seeds[random.Next(_seeds.Count)];
        var second = random.Next(4) == 0 ? first : _seeds[random.Next(_seeds.Count)];
        var cut = first.Layout is { } a && random.Next(4) != 0
            ? a.Boundaries[random.Next(a.Boundaries.Count)]
            : random.Next(first.Bytes.Length + 1);
        var from = second.Layout is { } b && random.Next(4) != 0
            ? b.Boundaries[random.Next(b.Boundaries.Count)]
            : random.Next(second.Bytes.Length + 1);
        notes.Add($"{first.Name}[..{cut}] + {second.Name}[{from}..]");
        return [.. first.Bytes.AsSpan(0, cut), .. second.Bytes.AsSpan(from)];
    }

    private byte[] CompressedWrapper(SplitMix random, List<string> notes)
    {
        var layout = _layouts[random.Next(_layouts.Count)];
        notes.Add($"seed {layout.Name}");
        var data = layout.Bytes.ToArray();
        if (random.Next(2) == 0)
            RewriteFields(layout, data, random, 1, notes);
        var (name, compressed) = random.Next(3) switch
        {
            0 => ("gzip", SeedCaptures.Gzip(data)),
            1 => ("lz4", SeedCaptures.Lz4(data)),
            _ => ("zstd", SeedCaptures.Zstd(data)),
        };
        switch (random.Next(10))
        {
            case < 5:
            {
                var cut = random.Next(compressed.Length);
                notes.Add($"{name} cut at {cut} of {compressed.Length}");
                return compressed[..cut];
            }
            case 5:
            {
                var cut = Math.Max(0, compressed.Length - 1 - random.Next(8));
                notes.Add($"{name} trailer cut at {cut} of {compressed.Length}");
                return compressed[..cut];
            }
            case 6:
            {
                var at = random.Next(compressed.Length);
                compressed[at] ^= (byte)(1 + random.Next(255));
                notes.Add($"{name} byte {at} damaged");
                return compressed;
            }
            case 7:
            {
                // A second stream after the first, cut short.
                var cut = compressed.Length + random.Next(compressed.Length);
                notes.Add($"{name} twice, cut at {cut}");
                byte[] twice = [.. compressed, .. compressed];
                return twice[..cut];
            }
            case 8:
            {
                var cut = Math.Min(compressed.Length, 1 + random.Next(16));
                notes.Add($"{name} header only ({cut} bytes)");
                return compressed[..cut];
            }
            default:
                notes.Add($"{name} whole");
                return compressed;
        }
    }

    private static void FlipBits(byte[] bytes, SplitMix random, int count, List<string> notes)
    {
        for (var i = 0; i < count; i++)
        {
            var at = random.Next(bytes.Length);
            var bit = random.Next(8);
            bytes[at] ^= (byte)(1 << bit);
            notes.Add($"bit {bit} of byte {at} flipped");
        }
    }

    /// <summary>SplitMix64: a fixed generator, so that the variants never change with the runtime's Random.</summary>
    internal sealed class SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public ulong NextUInt64()
        {
            var z = _state += 0x9E37_79B9_7F4A_7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>0 .. bound-1 (0 when bound is 0 or less).</summary>
        public int Next(int bound) => bound <= 0 ? 0 : (int)(NextUInt64() % (ulong)bound);

        public void Fill(Span<byte> bytes)
        {
            for (var i = 0; i < bytes.Length; i++)
                bytes[i] = (byte)NextUInt64();
        }
    }
}
