using System.IO.Compression;

namespace Potiron.Fast.Packets;

/// <summary>
/// Inflates IPComp payloads (RFC 3173 DEFLATE, raw or with a zlib header, as tshark accepts both) into one
/// reused buffer of the largest IP datagram size, so hostile input cannot make it grow. IPComp is rare: the
/// BCL inflater it uses allocates a little per call and reports bad data only by exception (InvalidDataException,
/// or ZLibException for what zlib refuses otherwise), which is caught here and nowhere else on the packet path.
/// </summary>
internal sealed class IpCompInflater
{
    private readonly byte[] _buffer = new byte[65535];

    public bool TryInflate(ReadOnlySpan<byte> compressed, out ReadOnlySpan<byte> inflated)
    {
        inflated = default;
        if (compressed.Length < 2)
            return false;
        var zlib = compressed[0] == 0x78 && ((compressed[0] << 8) | compressed[1]) % 31 == 0;
        try
        {
            unsafe
            {
                fixed (byte* p = compressed)
                {
                    using var input = new UnmanagedMemoryStream(p, compressed.Length);
                    using Stream inflater = zlib
                        ? new ZLibStream(input, CompressionMode.Decompress)
                        : new DeflateStream(input, CompressionMode.Decompress);
                    var total = 0;
                    int read;
                    while (total < _buffer.Length && (read = inflater.Read(_buffer, total, _buffer.Length - total)) > 0)
                        total += read;
                    inflated = _buffer.AsSpan(0, total);
                    return total > 0;
                }
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            // zlib's other refusals come as ZLibException (an IOException): a zlib header that asks for a preset
            // dictionary (FDICT), which IPComp never has, gives Z_NEED_DICT. The stream is memory: no real I/O fails.
            return false;
        }
    }
}
