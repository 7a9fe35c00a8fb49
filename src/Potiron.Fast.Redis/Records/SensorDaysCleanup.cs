using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis.Resp;

namespace Potiron.Fast.Redis.Records;

/// <summary>
/// After a file's counts were taken out (forget, or a re-import whose new content lacks some of the old days), removes
/// from <c>{sensor}_DAYS</c> the days of which nothing remains: no count key of that sensor and day exists, and no other
/// file in <c>FILES</c> has that filename day (the original adds a file's filename day even when no packet fell on it).
/// </summary>
/// <remarks>
/// A second transaction after the one that took the counts out: whether a key outlives the subtraction is only known
/// once it ran. Until this one runs, the day stays listed with nothing under it, which readers treat as an empty day.
/// It is guarded like a commit: <c>{sensor}_DAYS</c>, <c>FILES</c> and every key it found missing are watched, so an
/// import that brings the day back in between aborts it, and it is tried again. The sensor of another file is read from
/// its name (a file imported with <c>--sensor</c> under another name keeps the day only through its keys).
/// </remarks>
internal static class SensorDaysCleanup
{
    private const int MaximumAttempts = 100;

    /// <summary>Removes from <c>{sensor}_DAYS</c> the <paramref name="days"/> of which nothing remains; returns them.</summary>
    public static IReadOnlyList<string> Run(RespConnection connection, string sensor, IReadOnlyCollection<string> days, IEnumerable<string> recordedKeys)
    {
        if (days.Count == 0)
            return [];
        var daysKey = PotironKeys.SensorDays(sensor);
        var recorded = recordedKeys.ToList();
        for (var attempt = 1; attempt <= MaximumAttempts; attempt++)
        {
            connection.Call("WATCH", daysKey, PotironKeys.Files, PotironKeys.Protocols, PotironKeys.JsonFields);
            var files = Strings(connection, "SMEMBERS", PotironKeys.Files);
            var fields = Strings(connection, "LRANGE", PotironKeys.JsonFields, "0", "-1");
            var protocols = Strings(connection, "SMEMBERS", PotironKeys.Protocols);
            var fileDays = files.Select(f => CaptureFileName.FromPath(f)).Where(f => f.Sensor == sensor).Select(f => f.FileNameDay).ToHashSet(StringComparer.Ordinal);

            var gone = new List<string>();
            var watched = new List<string>();
            foreach (var day in days.Where(d => !fileDays.Contains(d)))
            {
                var keys = KeysOf(sensor, day, fields, protocols, recorded);
                var watch = new List<string> { "WATCH" };
                watch.AddRange(keys);
                connection.Call([.. watch]);
                var exists = new List<string> { "EXISTS" };
                exists.AddRange(keys);
                if (connection.Call([.. exists]).Integer == 0)
                    gone.Add(day);
            }
            if (gone.Count == 0)
            {
                connection.Call("UNWATCH");
                return [];
            }
            connection.Writer.Command(1);
            connection.Writer.Bulk("MULTI"u8);
            connection.Writer.Command(2 + gone.Count);
            connection.Writer.Bulk("SREM"u8);
            connection.Writer.Bulk(daysKey);
            foreach (var day in gone)
                connection.Writer.Bulk(day);
            connection.Writer.Command(1);
            connection.Writer.Bulk("EXEC"u8);
            connection.Writer.Flush();
            Expect(connection.Reader.Read());
            Expect(connection.Reader.Read());
            var exec = connection.Reader.Read();
            if (exec.Kind == RespReplyKind.Array)
            {
                Expect(connection.Reader.Read());
                return gone;
            }
            Expect(exec);
        }
        throw new SinkConfigurationException($"{daysKey} and {PotironKeys.Files} changed during each of {MaximumAttempts} attempts to drop days of which nothing remains; they stay listed.");
    }

    /// <summary>Every count key that may hold something of the sensor and day: simple and combined, of every field.</summary>
    private static List<string> KeysOf(string sensor, string day, IReadOnlyList<string> fields, IReadOnlyList<string> protocols, List<string> recorded)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            keys.Add(PotironKeys.DayCounts(sensor, day, field));
            foreach (var protocol in protocols)
                keys.Add(PotironKeys.ProtocolDayCounts(sensor, protocol, day, field));
        }
        // The file's own keys of that day, in case JSON_FIELDS or PROTOCOLS lack them.
        var simplePrefix = PotironKeys.DayCounts(sensor, day, "");
        foreach (var key in recorded)
        {
            if (key.StartsWith(simplePrefix, StringComparison.Ordinal) || (key.StartsWith(sensor + ":", StringComparison.Ordinal) && key.Contains(":" + day + ":", StringComparison.Ordinal)))
                keys.Add(key);
        }
        return [.. keys];
    }

    private static List<string> Strings(RespConnection connection, params string[] command)
    {
        connection.Writer.Command(command.Length);
        foreach (var argument in command)
            connection.Writer.Bulk(argument);
        connection.Writer.Flush();
        var reply = Expect(connection.Reader.Read());
        var items = new List<string>(reply.Kind == RespReplyKind.Array ? reply.Length : 0);
        for (var i = 0; reply.Kind == RespReplyKind.Array && i < reply.Length; i++)
        {
            if (Expect(connection.Reader.Read()).Text is { } text)
                items.Add(text);
        }
        return items;
    }

    private static RespReply Expect(RespReply reply) => reply.IsError ? throw new RespServerException(reply.Text!) : reply;
}
