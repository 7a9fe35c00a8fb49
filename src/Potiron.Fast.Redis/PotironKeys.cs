using System.Globalization;
using Potiron.Fast.Aggregation;

namespace Potiron.Fast.Redis;

/// <summary>
/// Every Redis key name of potiron's current model (reference §5.1, §14.A), spelled in one place.
/// No other class builds a key string: readers, writers and tests all come here.
/// </summary>
public static class PotironKeys
{
    /// <summary>Set of imported capture basenames: the only guard against double import.</summary>
    public const string Files = "FILES";

    /// <summary>Set of protocol names seen with combined keys (<c>-ck</c>).</summary>
    public const string Protocols = "PROTOCOLS";

    /// <summary>List of the raw field names of the standard format (with <c>timestamp</c> and the raw port names).</summary>
    public const string Fields = "FIELDS";

    /// <summary>List of the field suffixes used in the standard zset keys.</summary>
    public const string JsonFields = "JSON_FIELDS";

    /// <summary>Hash of the run parameters that all runs feeding one database must share.</summary>
    public const string Parameters = "PARAMETERS";

    /// <summary>
    /// The legacy model's set <c>CK</c> = {<c>YES</c>|<c>NO</c>} (reference §5.3). Never written; its presence marks a
    /// database that potiron's 2014–2018 importers wrote.
    /// </summary>
    public const string LegacyCombinedKeys = "CK";

    private const string DaysSuffix = "_DAYS";

    /// <summary>
    /// The namespace of Potiron.Fast's own keys. A sensor and a basename never contain '/', so none of the original's key
    /// patterns (<c>{sensor}:…:{field}</c>, <c>{sensor}_DAYS</c>, the ISN and layer2 hashes) matches a key in it, and its
    /// tools, which read the keys they build from <c>FILES</c>, <c>{sensor}_DAYS</c> and <c>JSON_FIELDS</c>, never see it.
    /// </summary>
    public const string OwnNamespace = "potiron-fast/";

    private const string RecordPrefix = OwnNamespace + "record/";

    /// <summary>
    /// <c>potiron-fast/record/{basename}</c>: a string, the LZ4-compressed list of what the file added (its set members and
    /// every count), written in the transaction of its import, read to re-import it (<c>--force</c>) or forget it.
    /// </summary>
    public static string FileRecord(string fileName) => string.Concat(RecordPrefix, fileName);

    /// <summary>The basename of a <see cref="FileRecord"/> key, or false for any other key.</summary>
    public static bool TryGetFileOfRecordKey(string key, out string fileName)
    {
        if (key.Length > RecordPrefix.Length && key.StartsWith(RecordPrefix, StringComparison.Ordinal))
        {
            fileName = key[RecordPrefix.Length..];
            return true;
        }
        fileName = "";
        return false;
    }

    /// <summary>A SCAN pattern that matches every <c>{sensor}_DAYS</c> key.</summary>
    public const string SensorDaysPattern = "*" + DaysSuffix;

    /// <summary><c>{sensor}_DAYS</c>: the set of days (YYYYMMDD) of one sensor.</summary>
    public static string SensorDays(string sensor) => string.Concat(sensor, DaysSuffix);

    /// <summary>The sensor of a <c>{sensor}_DAYS</c> key, or false for any other key.</summary>
    public static bool TryGetSensorOfDaysKey(string key, out string sensor)
    {
        if (key.Length > DaysSuffix.Length && key.EndsWith(DaysSuffix, StringComparison.Ordinal))
        {
            sensor = key[..^DaysSuffix.Length];
            return true;
        }
        sensor = "";
        return false;
    }

    /// <summary><c>{sensor}:{day}:{field}</c>: the simple standard zset.</summary>
    public static string DayCounts(string sensor, string day, string field) =>
        string.Concat(sensor, ":", day, ":", field);

    /// <inheritdoc cref="DayCounts(string, string, string)"/>
    public static string DayCounts(string sensor, string day, PotironField field) =>
        DayCounts(sensor, day, FieldCatalogue.JsonName(field));

    /// <summary><c>{sensor}:{protocol}:{day}:{field}</c>: the combined-keys (<c>-ck</c>) standard zset.</summary>
    public static string ProtocolDayCounts(string sensor, string protocol, string day, string field) =>
        string.Concat(sensor, ":", protocol, ":", day, ":", field);

    /// <inheritdoc cref="ProtocolDayCounts(string, string, string, string)"/>
    public static string ProtocolDayCounts(string sensor, string protocol, string day, PotironField field) =>
        ProtocolDayCounts(sensor, protocol, day, FieldCatalogue.JsonName(field));

    /// <summary>The zset a group of increments goes to: combined when the group names a protocol, simple otherwise.</summary>
    public static string Counts(string sensor, CountGroup group) =>
        group.ProtocolName is { } protocol
            ? ProtocolDayCounts(sensor, protocol, group.Day, group.Field)
            : DayCounts(sensor, group.Day, group.Field);

    /// <summary>
    /// The zset of one field, simple when <paramref name="protocol"/> is null, combined otherwise.
    /// </summary>
    public static string Counts(string sensor, string? protocol, string day, string field) =>
        protocol is null ? DayCounts(sensor, day, field) : ProtocolDayCounts(sensor, protocol, day, field);

    /// <summary>
    /// ISN format (reference §3.6): hash <c>{sensor}_src{sport}_dst{dport}_{YYYY-MM-DD}_{HH:MM:SS.ffffff}</c>.
    /// Ports are the text tshark printed; an empty port leaves nothing after <c>src</c>/<c>dst</c>.
    /// </summary>
    /// <param name="timestamp">The underscore form of <see cref="KeyTimestamp"/>.</param>
    public static string IsnPacket(string sensor, string sourcePort, string destinationPort, string timestamp) =>
        string.Concat(sensor, "_src", sourcePort, "_dst", destinationPort, "_", timestamp);

    /// <summary>
    /// Layer2 format (reference §3.7): hash <c>{sensor}_{ip}_{YYYY-MM-DD}_{HH:MM:SS.ffffff}</c>.
    /// </summary>
    public static string Layer2Packet(string sensor, string ip, string timestamp) =>
        string.Concat(sensor, "_", ip, "_", timestamp);

    /// <summary>Layer2 format: zset <c>{sensor}_{YYYYMMDD}_count</c> with members <c>request</c> and <c>reply</c>.</summary>
    public static string Layer2DayCount(string sensor, string day) => string.Concat(sensor, "_", day, "_count");

    /// <summary>
    /// <c>YYYY-MM-DD_HH:MM:SS.ffffff</c> of a local time, microseconds truncated (never rounded), as the ISN and layer2
    /// keys and <c>rep_timestamp</c> carry it.
    /// </summary>
    public static string KeyTimestamp(DateTime localTime) =>
        localTime.ToString("yyyy'-'MM'-'dd'_'HH':'mm':'ss'.'ffffff", CultureInfo.InvariantCulture);
}
