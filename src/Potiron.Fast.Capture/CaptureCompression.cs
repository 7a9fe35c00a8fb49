namespace Potiron.Fast.Capture;

/// <summary>The compression recognised by its magic bytes (never by the file name).</summary>
public enum CaptureCompression
{
    None,
    /// <summary>gzip (1f 8b), members concatenated or not.</summary>
    Gzip,
    /// <summary>LZ4 frame format (04 22 4d 18).</summary>
    Lz4,
    /// <summary>Zstandard frame (28 b5 2f fd).</summary>
    Zstd,
}
