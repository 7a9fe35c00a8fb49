using StackExchange.Redis;

namespace Potiron.Fast.Redis;

/// <summary>One member of a count zset and its score (a packet count).</summary>
public readonly record struct ScoredMember(string Member, double Score);

/// <summary>
/// The read model of a potiron database for summaries and exports: sensors, days, parameters and the top values of one
/// field on one day. Reads the current model only (reference §5.1).
/// </summary>
public sealed class PotironStoreReader(PotironStoreConnection connection)
{
    private readonly IDatabase database = connection.Database;

    /// <summary>Sensors that have a <c>{sensor}_DAYS</c> set, sorted (found with SCAN; no KEYS on a big database).</summary>
    public async Task<IReadOnlyList<string>> ListSensorsAsync(CancellationToken cancellationToken = default)
    {
        var sensors = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var server in connection.Multiplexer.GetServers())
        {
            if (server.IsReplica)
                continue;
            await foreach (var key in server.KeysAsync(connection.Options.Database, PotironKeys.SensorDaysPattern, pageSize: 1000)
                               .WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (PotironKeys.TryGetSensorOfDaysKey(key!, out var sensor))
                    sensors.Add(sensor);
            }
        }
        return sensors.ToArray();
    }

    /// <summary>The days (YYYYMMDD) of one sensor, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListDaysAsync(string sensor, CancellationToken cancellationToken = default) =>
        await SortedMembersAsync(PotironKeys.SensorDays(sensor), cancellationToken).ConfigureAwait(false);

    /// <summary>The protocol names of combined-keys data, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListProtocolsAsync(CancellationToken cancellationToken = default) =>
        await SortedMembersAsync(PotironKeys.Protocols, cancellationToken).ConfigureAwait(false);

    /// <summary>How many capture files are imported.</summary>
    public Task<long> CountFilesAsync(CancellationToken cancellationToken = default) =>
        database.SetLengthAsync(PotironKeys.Files).WaitAsync(cancellationToken);

    public Task<bool> IsImportedAsync(string fileName, CancellationToken cancellationToken = default) =>
        database.SetContainsAsync(PotironKeys.Files, fileName).WaitAsync(cancellationToken);

    /// <summary>The <c>PARAMETERS</c> hash (empty when absent), sorted by entry name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetParametersAsync(CancellationToken cancellationToken = default)
    {
        var entries = await database.HashGetAllAsync(PotironKeys.Parameters).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new SortedDictionary<string, string>(entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!), StringComparer.Ordinal);
    }

    /// <summary>The <c>JSON_FIELDS</c> list: the field suffixes of the zset keys, in stored order.</summary>
    public async Task<IReadOnlyList<string>> GetJsonFieldsAsync(CancellationToken cancellationToken = default)
    {
        var values = await database.ListRangeAsync(PotironKeys.JsonFields).WaitAsync(cancellationToken).ConfigureAwait(false);
        return values.Select(v => (string)v!).ToArray();
    }

    /// <summary>
    /// The <paramref name="count"/> members with the highest scores of one field on one day (ZREVRANGE … WITHSCORES):
    /// simple keys when <paramref name="protocol"/> is null, combined keys otherwise. Ties come in Redis's order
    /// (reverse member order).
    /// </summary>
    public async Task<IReadOnlyList<ScoredMember>> TopMembersAsync(string sensor, string day, string field, int count,
        string? protocol = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
            return [];
        var entries = await database.SortedSetRangeByRankWithScoresAsync(PotironKeys.Counts(sensor, protocol, day, field), 0, count - 1, Order.Descending)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return entries.Select(e => new ScoredMember(e.Element!, e.Score)).ToArray();
    }

    /// <summary>Number of distinct values of one field on one day.</summary>
    public Task<long> CountMembersAsync(string sensor, string day, string field, string? protocol = null, CancellationToken cancellationToken = default) =>
        database.SortedSetLengthAsync(PotironKeys.Counts(sensor, protocol, day, field)).WaitAsync(cancellationToken);

    private async Task<string[]> SortedMembersAsync(string key, CancellationToken cancellationToken)
    {
        var members = await database.SetMembersAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
        var sorted = members.Select(m => (string)m!).ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }
}
