using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Potiron.Fast.Redis.Records;

namespace Potiron.Fast.Redis;

/// <summary>
/// Shows Potiron.Fast's file records decoded in canonical dumps (<see cref="CanonicalDump.StringDecoder"/>): head and
/// members sorted, so two records of the same content compare equal whatever order the counters gave the members. Linked
/// into every test project that dumps stores Potiron.Fast wrote.
/// </summary>
internal static class RecordDumps
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [ModuleInitializer]
    internal static void Register() => CanonicalDump.StringDecoder = Decode;

    /// <summary>The record as <c>{"$record": {…}}</c>, or null for any other string (or a record that does not decode).</summary>
    public static JsonNode? Decode(string key, byte[] value)
    {
        if (!PotironKeys.TryGetFileOfRecordKey(key, out _))
            return null;
        try
        {
            using var reader = new FileRecordReader(value);
            var header = reader.Header;
            var keys = new JsonObject();
            while (reader.TryNextKey(out var recorded))
            {
                var members = new List<(string Member, long Count)>();
                while (reader.TryReadMember(out var member, out var count))
                    members.Add((Text(member), count));
                keys[recorded.Key] = new JsonArray(members.OrderBy(m => m.Member, StringComparer.Ordinal)
                    .Select(m => (JsonNode)new JsonArray(m.Member, m.Count)).ToArray());
            }
            var sortedKeys = new JsonObject();
            foreach (var (name, members) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
                sortedKeys[name] = members!.DeepClone();
            return new JsonObject
            {
                ["$record"] = new JsonObject
                {
                    ["sensor"] = header.Sensor,
                    ["file"] = header.FileName,
                    ["fileNameDay"] = header.FileNameDay,
                    ["days"] = Sorted(header.Days),
                    ["protocols"] = Sorted(header.Protocols),
                    ["keys"] = sortedKeys,
                },
            };
        }
        catch (FileRecordFormatException)
        {
            return null;
        }
    }

    private static JsonArray Sorted(IEnumerable<string> items) =>
        new(items.Order(StringComparer.Ordinal).Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return "$b64:" + Convert.ToBase64String(bytes);
        }
    }
}
