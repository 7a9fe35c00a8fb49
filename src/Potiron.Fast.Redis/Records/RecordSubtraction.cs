using System.Text;
using Potiron.Fast.Redis.Resp;

namespace Potiron.Fast.Redis.Records;

/// <summary>
/// The commands that take a recorded file's counts back out of the store, inside a transaction that a re-import
/// (<c>--force</c>) or a forget streams: a negative <c>ZINCRBY</c> per recorded member, then
/// <c>ZREMRANGEBYSCORE key -inf 0</c> on each recorded key, which drops the members no other file counts (and the key,
/// once empty), so the store ends as if the file had never been imported.
/// </summary>
internal static class RecordSubtraction
{
    private static readonly byte[] ZincrbyName = Encoding.ASCII.GetBytes("$7\r\nZINCRBY\r\n");

    /// <summary>Writes <c>ZINCRBY key -count member</c> for every member of the record; returns how many.</summary>
    public static long WriteDecrements(RespWriter writer, FileRecordReader record)
    {
        long commands = 0;
        while (record.TryNextKey(out var key))
        {
            var keyBulk = RespWriter.Encode(key.Key);
            while (record.TryReadMember(out var member, out var count))
            {
                writer.Command(4);
                writer.Raw(ZincrbyName);
                writer.Raw(keyBulk);
                writer.Bulk(-count);
                writer.Bulk(member);
                commands++;
            }
        }
        return commands;
    }

    /// <summary>
    /// <c>ZREMRANGEBYSCORE key -inf 0</c> on every recorded key: after the subtraction a member at zero is one that only
    /// this file counted (a count is never zero or negative otherwise).
    /// </summary>
    public static void WriteRemoveEmptied(RespWriter writer, FileRecordHeader record)
    {
        foreach (var key in record.Keys)
        {
            writer.Command(4);
            writer.Bulk("ZREMRANGEBYSCORE"u8);
            writer.Bulk(key.Key);
            writer.Bulk("-inf"u8);
            writer.Bulk("0"u8);
        }
    }

    /// <summary>
    /// TYPE of each recorded key that <paramref name="checkedKeys"/> does not already cover: a key that is no longer a
    /// sorted set would fail its commands inside EXEC after the others were applied. Returns the problem, or null.
    /// </summary>
    public static string? CheckTypes(RespConnection connection, byte[] record, IReadOnlyCollection<string> checkedKeys)
    {
        FileRecordHeader header;
        using (var reader = new FileRecordReader(record))
            header = reader.Header;
        var known = checkedKeys.ToHashSet(StringComparer.Ordinal);
        var keys = header.Keys.Select(k => k.Key).Where(k => !known.Contains(k)).ToList();
        if (keys.Count == 0)
            return null;
        foreach (var key in keys)
        {
            connection.Writer.Command(2);
            connection.Writer.Bulk("TYPE"u8);
            connection.Writer.Bulk(key);
        }
        connection.Writer.Flush();
        string? wrongType = null;
        foreach (var key in keys)
        {
            var type = connection.Reader.Read();
            if (type.IsError)
                throw new RespServerException(type.Text!);
            if (type.Text is not ("none" or "zset"))
                wrongType ??= $"{key} holds a {type.Text}, not a sorted set";
        }
        return wrongType;
    }
}

/// <summary>
/// The file is in <c>FILES</c> but has no record: it was imported by the original potiron, or without <c>--records</c>,
/// so what it added cannot be told from what other files added. Nothing written.
/// </summary>
public sealed class FileRecordMissingException(string fileName, string doing)
    : Exception($"{fileName} is in {PotironKeys.Files} but has no record of what it added (imported by the original potiron, or without --records): it cannot be {doing}; nothing written.");
