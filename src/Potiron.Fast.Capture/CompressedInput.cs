using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4.Streams;

namespace Potiron.Fast.Capture;

/// <summary>Compression sniffing by magic bytes, the decompressing streams, and telling a damaged stream apart.</summary>
internal static class CompressedInput
{
    /// <summary>Enough bytes to tell every compression we know.</summary>
    public const int MagicLength = 4;

    public static CaptureCompression Detect(ReadOnlySpan<byte> start) => start switch
    {
        [0x1f, 0x8b, ..] => CaptureCompression.Gzip,
        [0x04, 0x22, 0x4d, 0x18, ..] => CaptureCompression.Lz4,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => CaptureCompression.Zstd,
        _ => CaptureCompression.None,
    };

    public static Stream Decompress(CaptureCompression compression, Stream compressed) => compression switch
    {
        // GZipStream reads concatenated members through (since .NET 5).
        CaptureCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress),
        CaptureCompression.Lz4 => LZ4Stream.Decode(compressed),
        CaptureCompression.Zstd => new ZstdSharp.DecompressionStream(compressed),
        _ => compressed,
    };

    /// <summary>
    /// The codecs report damage by throwing, each its own way (InvalidDataException, EndOfStreamException,
    /// ZstdException, and InvalidOperationException or ArgumentException from K4os on a corrupt block), so any
    /// exception out of a decompressing read counts as damage, unless reading the file itself failed.
    /// </summary>
    public static bool IsDecompressionFailure(Exception exception, CountingStream raw) =>
        !raw.ReadFailed && exception is not (OutOfMemoryException or ThreadAbortException);

    /// <summary>
    /// GZipStream ends silently when the compressed data stops early, so check the trailer ourselves: the last four
    /// bytes of a complete gzip stream give the size of its last member modulo 2^32, which is the whole output for
    /// one member and less than it for several. Data cut anywhere else leaves deflate bytes there, which pass this
    /// test only by chance (odds: output size / 2^32).
    /// </summary>
    public static bool GzipLooksComplete(ReadOnlySpan<byte> lastBytes, long compressedLength, long decompressedLength)
    {
        const int SmallestMember = 10 + 2 + 8;
        if (compressedLength < SmallestMember || lastBytes.Length < 8)
        {
            return false;
        }

        uint lastMemberSize = BinaryPrimitives.ReadUInt32LittleEndian(lastBytes[4..]);
        return lastMemberSize == unchecked((uint)decompressedLength) || lastMemberSize < decompressedLength;
    }
}
