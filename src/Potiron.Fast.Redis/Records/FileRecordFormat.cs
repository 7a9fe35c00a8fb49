namespace Potiron.Fast.Redis.Records;

/// <summary>
/// The bytes of a file's record before compression (the record key holds them inside one LZ4 frame):
/// <code>
/// "PFR" version(1 byte)
/// sensor, file name, filename day                         strings
/// days: count, strings;  protocols: count, strings
/// keys: count, then per key: key string, member count
/// members: per key in that order, per member: member string, count
/// </code>
/// A count is an unsigned LEB128 varint; a string is its UTF-8 length as a varint, then its bytes.
/// </summary>
/// <remarks>
/// The directory of keys comes first so that a re-import or a forget knows every key to check and clean before it reads
/// a member; the members then stream in the order the commit wrote them, in the memory of a buffer.
/// </remarks>
internal static class FileRecordFormat
{
    public const byte Version = 1;

    public static ReadOnlySpan<byte> Magic => "PFR"u8;

    /// <summary>Longest string a record may hold: far above any member or key, small enough to refuse garbage early.</summary>
    public const int MaxStringLength = 1 << 20;

    /// <summary>Bytes of compressed record sent per APPEND.</summary>
    public const int ChunkSize = 512 * 1024;
}

/// <summary>A record key's value that is not a record this version reads.</summary>
public sealed class FileRecordFormatException(string message) : Exception(message);
