using Potiron.Fast.Aggregation;
using StackExchange.Redis;

namespace Potiron.Fast.Redis;

/// <summary>
/// The types of the fixed keys of a database, checked before anything is read or written, so that a database of another
/// kind (potiron's legacy model, or keys someone else put there) is refused with a message, not a WRONGTYPE error.
/// </summary>
internal readonly record struct StoreKeyTypes(
    RedisType Files, RedisType Protocols, RedisType Fields, RedisType JsonFields, RedisType Parameters, RedisType LegacyCombinedKeys)
{
    public static async Task<StoreKeyTypes> ReadAsync(IDatabase database)
    {
        var batch = database.CreateBatch();
        var files = batch.KeyTypeAsync(PotironKeys.Files);
        var protocols = batch.KeyTypeAsync(PotironKeys.Protocols);
        var fields = batch.KeyTypeAsync(PotironKeys.Fields);
        var jsonFields = batch.KeyTypeAsync(PotironKeys.JsonFields);
        var parameters = batch.KeyTypeAsync(PotironKeys.Parameters);
        var legacy = batch.KeyTypeAsync(PotironKeys.LegacyCombinedKeys);
        batch.Execute();
        var types = new StoreKeyTypes(await files.ConfigureAwait(false), await protocols.ConfigureAwait(false),
            await fields.ConfigureAwait(false), await jsonFields.ConfigureAwait(false), await parameters.ConfigureAwait(false),
            await legacy.ConfigureAwait(false));
        types.ThrowIfNotCurrentModel();
        return types;
    }

    private void ThrowIfNotCurrentModel()
    {
        if (Fields == RedisType.Set || LegacyCombinedKeys != RedisType.None)
        {
            throw new SinkConfigurationException(
                "This database holds potiron's legacy model (FIELDS is a set" + (LegacyCombinedKeys != RedisType.None ? " and CK exists" : "") +
                "), as the 2014–2018 importers wrote it for the legacy export scripts. Potiron.Fast writes the current model " +
                "(FIELDS and JSON_FIELDS are lists) and does not mix the two in one database: use another database.");
        }
        Expect(PotironKeys.Files, Files, RedisType.Set);
        Expect(PotironKeys.Protocols, Protocols, RedisType.Set);
        Expect(PotironKeys.Fields, Fields, RedisType.List);
        Expect(PotironKeys.JsonFields, JsonFields, RedisType.List);
        Expect(PotironKeys.Parameters, Parameters, RedisType.Hash);
    }

    private static void Expect(string key, RedisType found, RedisType expected)
    {
        if (found != RedisType.None && found != expected)
        {
            throw new SinkConfigurationException(
                $"Key {key} of this database is a {Name(found)}, but potiron keeps a {Name(expected)} there: the database holds " +
                "something potiron did not write. Use another database.");
        }
    }

    /// <summary>The type names the Redis TYPE command prints.</summary>
    public static string Name(RedisType type) => type switch
    {
        RedisType.None => "none",
        RedisType.String => "string",
        RedisType.List => "list",
        RedisType.Set => "set",
        RedisType.SortedSet => "zset",
        RedisType.Hash => "hash",
        RedisType.Stream => "stream",
        _ => type.ToString().ToLowerInvariant(),
    };
}
