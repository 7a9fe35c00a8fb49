namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// Tests that share one redis-server. They flush it, so they run one at a time; the embedded-Garnet tests have their
/// own stores and run beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisServerCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis-server";
}
