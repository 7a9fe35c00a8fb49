namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// A test of the sink against the collection's redis-server: the server is emptied before each test, which gets a
/// fresh store connection (<see cref="connection"/>) and the server fixture (<see cref="redis"/>) for its checks.
/// </summary>
public abstract class StoreTest(RedisServerFixture fixture) : IAsyncLifetime
{
#pragma warning disable IDE1006 // lowercase, as the tests use them: they were a primary-constructor parameter and a field
    protected readonly RedisServerFixture redis = fixture;
    protected PotironStoreConnection connection = null!;
#pragma warning restore IDE1006

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await redis.FlushAsync();
        connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), Token);
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    protected Task<CanonicalDump> Dump() => CanonicalDump.ReadAsync(redis.Multiplexer);
}
