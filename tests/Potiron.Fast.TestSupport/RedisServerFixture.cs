using StackExchange.Redis;
using Xunit;

namespace Potiron.Fast.TestSupport;

/// <summary>
/// A real <c>redis-server</c> for a test class or collection (<c>IClassFixture&lt;RedisServerFixture&gt;</c> or a
/// collection definition): started on a temporary unix socket, reached through an admin multiplexer, flushed by the
/// tests that need an empty database, stopped and deleted at the end. Without redis-server the fixture fails with a
/// message that says how to install it: the tests are never skipped silently.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? server;
    private ConnectionMultiplexer? multiplexer;

    /// <summary>The server's unix socket.</summary>
    public string SocketPath => Server.SocketPath;

    public RedisServerProcess Server => server ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>An admin connection (FLUSHALL, CLIENT LIST/KILL, CLIENT PAUSE …) for arranging and inspecting.</summary>
    public IConnectionMultiplexer Multiplexer => multiplexer ?? throw new InvalidOperationException("The fixture is not initialised.");

    public IDatabase Database => Multiplexer.GetDatabase(0);

    public IServer AdminServer => Multiplexer.GetServer(Multiplexer.GetEndPoints()[0]);

    public async ValueTask InitializeAsync()
    {
        server = await RedisServerProcess.StartAsync().ConfigureAwait(false);
        multiplexer = await ConnectAdminAsync(server.SocketPath).ConfigureAwait(false);
    }

    /// <summary>Empties every database of the server.</summary>
    public Task FlushAsync() => AdminServer.FlushAllDatabasesAsync();

    /// <summary>An admin multiplexer on a unix socket (RESP2, so replies look as redis-cli shows them).</summary>
    public static Task<ConnectionMultiplexer> ConnectAdminAsync(string socketPath, string? password = null) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath) },
            AllowAdmin = true,
            AbortOnConnectFail = true,
            Password = password,
            Protocol = RedisProtocol.Resp2,
            ClientName = "potiron-tests-admin",
            SyncTimeout = 60_000,
            AsyncTimeout = 60_000,
        });

    public async ValueTask DisposeAsync()
    {
        if (multiplexer is not null)
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        if (server is not null)
            await server.DisposeAsync().ConfigureAwait(false);
    }
}
