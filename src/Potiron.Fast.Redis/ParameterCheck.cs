using System.Text;
using Potiron.Fast.Aggregation;
using StackExchange.Redis;

namespace Potiron.Fast.Redis;

/// <summary>What <see cref="ParameterCheck.CheckOrStoreAsync"/> did.</summary>
public enum ParameterCheckOutcome
{
    /// <summary>The database had no parameters: this run's were written.</summary>
    Stored,
    /// <summary>The database holds exactly this run's parameters.</summary>
    Matched,
    /// <summary>Non-critical entries were changed or added (see the notices).</summary>
    Updated,
}

/// <summary>The outcome and the notices the original would have printed (one string each, for the CLI).</summary>
public sealed record ParameterCheckResult(ParameterCheckOutcome Outcome, IReadOnlyList<string> Notices);

/// <summary>Opt-in fixes of the parameter check (reference §13).</summary>
public sealed record ParameterCheckOptions
{
    /// <summary>
    /// Strict mode of §13 #10: treat <c>ck</c> as critical, so a <c>-ck</c> run cannot silently mix combined keys into
    /// a database of simple keys (the original only prints a notice).
    /// </summary>
    public bool CombinedKeysCritical { get; init; }
}

/// <summary>
/// The original's check-or-store of <c>PARAMETERS</c>, <c>FIELDS</c> and <c>JSON_FIELDS</c> (reference §3.2), run once
/// before any file. Refusals throw <see cref="SinkConfigurationException"/> with the original's message text.
/// </summary>
/// <remarks>
/// Deliberate differences, all on paths where the original exits with an error or corrupts the format marker:
/// a refused run writes nothing (the original HSETs non-critical entries and added keys before it reaches the critical
/// one); a standard run on a database whose <c>PARAMETERS</c> says another format is refused (the original, finding no
/// <c>FIELDS</c>, appends the lists and overwrites the hash); keys of the wrong type and the legacy model are refused
/// with a message instead of a WRONGTYPE error; the <c>ipv6</c> entry is compared both ways. The store step runs in a
/// transaction guarded by the keys' absence, so two runs starting together on an empty database cannot append the
/// lists twice: the loser of the race checks again against what the winner wrote.
/// </remarks>
public static class ParameterCheck
{
    private static readonly string[] CriticalEntries = [PotironParameters.CommandEntry, PotironParameters.TsharkFilterEntry];
    private const int StoreAttempts = 3;

    public static async Task<ParameterCheckResult> CheckOrStoreAsync(IDatabase database, PotironParameters parameters,
        ParameterCheckOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(parameters);
        options ??= new ParameterCheckOptions();

        for (var attempt = 0; attempt < StoreAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var types = await StoreKeyTypes.ReadAsync(database).ConfigureAwait(false);
            var fieldsExist = types.Fields != RedisType.None;
            var parametersExist = types.Parameters != RedisType.None;

            if (parameters.Format == IngestFormat.Standard)
            {
                if (fieldsExist && parametersExist)
                {
                    var storedFields = await database.ListRangeAsync(PotironKeys.Fields).ConfigureAwait(false);
                    var stored = storedFields.Select(v => (string)v!).ToList();
                    if (!stored.ToHashSet(StringComparer.Ordinal).SetEquals(parameters.Fields))
                    {
                        throw new SinkConfigurationException(
                            "[INFO] Fields you are trying to ingest are not the same as the ones currently used: " + PythonSet(stored));
                    }
                    return await MergeAsync(database, parameters, options).ConfigureAwait(false);
                }
                if (parametersExist)
                    RefuseOtherFormat(parameters, await ReadParametersAsync(database).ConfigureAwait(false));
            }
            else if (parametersExist)
            {
                return await MergeAsync(database, parameters, options).ConfigureAwait(false);
            }

            if (await TryStoreAsync(database, parameters, fieldsExist, parametersExist).ConfigureAwait(false))
                return new ParameterCheckResult(ParameterCheckOutcome.Stored, []);
        }
        throw new SinkConfigurationException(
            "The database's PARAMETERS/FIELDS kept changing while this run tried to store its own; is another import starting? Try again.");
    }

    private static async Task<bool> TryStoreAsync(IDatabase database, PotironParameters parameters, bool fieldsExisted, bool parametersExisted)
    {
        var transaction = database.CreateTransaction();
        transaction.AddCondition(parametersExisted ? Condition.KeyExists(PotironKeys.Parameters) : Condition.KeyNotExists(PotironKeys.Parameters));
        var writes = new List<Task>(3);
        if (parameters.Format == IngestFormat.Standard)
        {
            // The original appends (RPUSH) whether or not one of the lists already exists (§13 #12): reproduced.
            transaction.AddCondition(fieldsExisted ? Condition.KeyExists(PotironKeys.Fields) : Condition.KeyNotExists(PotironKeys.Fields));
            writes.Add(transaction.ListRightPushAsync(PotironKeys.Fields, ToValues(parameters.Fields)));
            writes.Add(transaction.ListRightPushAsync(PotironKeys.JsonFields, ToValues(parameters.JsonFields)));
        }
        writes.Add(transaction.HashSetAsync(PotironKeys.Parameters, ToEntries(parameters.Entries)));
        bool stored;
        try
        {
            stored = await transaction.ExecuteAsync().ConfigureAwait(false);
        }
        catch
        {
            _ = Task.WhenAll(writes).ContinueWith(t => t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        if (!stored)
            return false;
        await Task.WhenAll(writes).ConfigureAwait(false);
        return true;
    }

    private static async Task<ParameterCheckResult> MergeAsync(IDatabase database, PotironParameters parameters, ParameterCheckOptions options)
    {
        var stored = await ReadParametersAsync(database).ConfigureAwait(false);
        RefuseOtherFormat(parameters, stored);
        RefuseIpv6Mix(parameters, stored);

        // From here on, as the original: both sides without their format entry.
        var storedRest = stored.Where(e => e.Key != PotironParameters.FormatEntry).ToList();
        var current = parameters.Entries.Where(e => e.Key != PotironParameters.FormatEntry).ToList();
        var storedLookup = storedRest.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var currentLookup = current.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

        if (storedRest.Count != current.Count)
        {
            // Entry counts differ (another version wrote the hash): every entry both sides have is critical.
            var additions = new List<KeyValuePair<string, string>>();
            foreach (var (key, value) in current)
            {
                if (storedLookup.TryGetValue(key, out var storedValue))
                {
                    if (value != storedValue)
                    {
                        throw new SinkConfigurationException(
                            $"Error with a critical parameter: {key}                 should be {storedValue} but is currently {value}.");
                    }
                }
                else
                {
                    additions.Add(new(key, value));
                }
            }
            if (additions.Count == 0)
                return new ParameterCheckResult(ParameterCheckOutcome.Matched, []);
            await database.HashSetAsync(PotironKeys.Parameters, ToEntries(additions)).ConfigureAwait(false);
            return new ParameterCheckResult(ParameterCheckOutcome.Updated,
                additions.Select(a => $"Adding to parameters {a.Key} value: {a.Value}.").ToArray());
        }

        var errors = new StringBuilder();
        var changes = new StringBuilder();
        var overwrites = new List<KeyValuePair<string, string>>();
        // The original walks HGETALL's order, which Redis randomises once the hash outgrows a listpack (cmd is longer
        // than 64 bytes). Walking the entries in the order the original inserts them gives the messages it prints for a
        // small hash, and the same messages on every run.
        var insertionOrder = parameters.Entries.Select((e, i) => (e.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
        foreach (var (key, storedValue) in storedRest
                     .OrderBy(e => insertionOrder.GetValueOrDefault(e.Key, int.MaxValue))
                     .ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!currentLookup.TryGetValue(key, out var value) || value == storedValue)
                continue;
            if (CriticalEntries.Contains(key) || (options.CombinedKeysCritical && key == PotironParameters.CombinedKeysEntry))
            {
                errors.Append(" - ").Append(key).Append(":\n\t - current value: '").Append(value)
                      .Append("'\n\t - value saved in redis: '").Append(storedValue).Append("'\n");
            }
            else
            {
                overwrites.Add(new(key, value));
                changes.Append(" - ").Append(key).Append(": ").Append(storedValue).Append(" changed into ").Append(value).Append('\n');
            }
        }
        if (errors.Length > 0)
            throw new SinkConfigurationException(("[INFO] Error with some of the critical parameters:\n" + errors).TrimEnd('\n'));
        if (overwrites.Count == 0)
            return new ParameterCheckResult(ParameterCheckOutcome.Matched, []);
        await database.HashSetAsync(PotironKeys.Parameters, ToEntries(overwrites)).ConfigureAwait(false);
        return new ParameterCheckResult(ParameterCheckOutcome.Updated,
        [
            ("[INFO] Some not critical parameters have changed, the execution is not compromised but notice the following changes:\n" + changes).TrimEnd('\n'),
        ]);
    }

    private static async Task<List<KeyValuePair<string, string>>> ReadParametersAsync(IDatabase database)
    {
        var entries = await database.HashGetAllAsync(PotironKeys.Parameters).ConfigureAwait(false);
        return entries.Select(e => new KeyValuePair<string, string>(e.Name!, e.Value!)).ToList();
    }

    private static void RefuseOtherFormat(PotironParameters parameters, List<KeyValuePair<string, string>> stored)
    {
        var current = PotironParameters.FormatName(parameters.Format);
        var found = stored.Where(e => e.Key == PotironParameters.FormatEntry).Select(e => e.Value).FirstOrDefault();
        if (found is null)
        {
            throw new SinkConfigurationException(
                $"The PARAMETERS hash of this database has no '{PotironParameters.FormatEntry}' entry, so potiron did not write it; use another database.");
        }
        if (found != current)
        {
            throw new SinkConfigurationException(
                $"[INFO] Format error: You want to store data in {current} format but this redis instance is used to store data in {found} format.");
        }
    }

    private static void RefuseIpv6Mix(PotironParameters parameters, List<KeyValuePair<string, string>> stored)
    {
        var databaseHasIpv6 = stored.Any(e => e.Key == PotironParameters.Ipv6Entry);
        var runHasIpv6 = parameters[PotironParameters.Ipv6Entry] is not null;
        if (databaseHasIpv6 && !runHasIpv6)
        {
            throw new SinkConfigurationException(
                "This database counts IPv6 packets too (PARAMETERS has ipv6 = True); feed it with --ipv6 runs only, or use another database.");
        }
        if (!databaseHasIpv6 && runHasIpv6)
        {
            throw new SinkConfigurationException(
                "This database counts IPv4 packets only, as the original potiron does; an --ipv6 run must use another database.");
        }
    }

    /// <summary>Python's repr of a set of strings, as the original prints <c>set(FIELDS)</c> (in list order here).</summary>
    private static string PythonSet(IReadOnlyList<string> items)
    {
        var distinct = items.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 0 ? "set()" : "{" + string.Join(", ", distinct.Select(i => "'" + i + "'")) + "}";
    }

    private static RedisValue[] ToValues(IReadOnlyList<string> items) => items.Select(i => (RedisValue)i).ToArray();

    private static HashEntry[] ToEntries(IEnumerable<KeyValuePair<string, string>> entries) =>
        entries.Select(e => new HashEntry(e.Key, e.Value)).ToArray();
}
