using System.Net;
using System.Net.Sockets;

namespace Potiron.Fast.Redis.Tests;

public sealed class StoreConnectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Missing_socket_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "potiron-no-such-" + Guid.NewGuid().ToString("N") + ".sock");
        var failure = await Assert.ThrowsAsync<SinkConfigurationException>(() => PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(path), Token));
        Assert.Equal($"Cannot connect to Redis at unix socket {path}: no such socket (is redis-server running with --unixsocket {path}?).", failure.Message);
    }

    [Fact]
    public async Task Stale_socket_file_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), "potiron-stale-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        // What a killed server leaves behind: a path that exists but has no listener (Linux refuses connect on it).
        await File.WriteAllTextAsync(path, "", Token);
        try
        {
            var failure = await Assert.ThrowsAsync<SinkConfigurationException>(() => PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(path), Token));
            Assert.Equal($"Cannot connect to Redis at unix socket {path}: connection refused (nothing listens there).", failure.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Closed_tcp_port_is_refused()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var failure = await Assert.ThrowsAsync<SinkConfigurationException>(() => PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForEndpoint("127.0.0.1:" + port), Token));
        Assert.Equal($"Cannot connect to Redis at 127.0.0.1:{port}: connection refused (nothing listens there).", failure.Message);
    }

    [Fact]
    public async Task Password_server_rejects_missing_and_wrong_passwords_and_accepts_the_right_one()
    {
        await using var server = await RedisServerProcess.StartAsync(["--requirepass", "s3cret"], Token);
        var socket = RedisConnectionOptions.ForUnixSocket(server.SocketPath);

        var missing = await Assert.ThrowsAsync<SinkConfigurationException>(() => PotironStoreConnection.ConnectAsync(socket, Token));
        Assert.Equal($"Redis at unix socket {server.SocketPath} refused the credentials: it requires a password and none was given (set the password variable or file).", missing.Message);

        var variable = "POTIRON_TEST_PASSWORD_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "wrong");
        try
        {
            var wrong = await Assert.ThrowsAsync<SinkConfigurationException>(() =>
                PotironStoreConnection.ConnectAsync(socket with { PasswordEnvironmentVariable = variable }, Token));
            Assert.Equal($"Redis at unix socket {server.SocketPath} refused the credentials: wrong user name or password.", wrong.Message);

            Environment.SetEnvironmentVariable(variable, "s3cret");
            await using (var right = await PotironStoreConnection.ConnectAsync(socket with { PasswordEnvironmentVariable = variable }, Token))
                Assert.True(await right.Database.PingAsync() >= TimeSpan.Zero);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        var file = Path.Combine(server.Directory, "password");
        await File.WriteAllTextAsync(file, "s3cret\n", Token);
        await using (var fromFile = await PotironStoreConnection.ConnectAsync(socket with { PasswordFile = file }, Token))
            await fromFile.Database.StringSetAsync("k", "v");
    }

    [Fact]
    public async Task Unset_password_variable_and_unreadable_password_file_are_named()
    {
        var options = RedisConnectionOptions.ForUnixSocket("/nonexistent.sock");
        var variable = await Assert.ThrowsAsync<SinkConfigurationException>(() =>
            PotironStoreConnection.ConnectAsync(options with { PasswordEnvironmentVariable = "POTIRON_SURELY_UNSET_VARIABLE" }, Token));
        Assert.Equal("The password variable POTIRON_SURELY_UNSET_VARIABLE is not set in the environment.", variable.Message);
        var file = await Assert.ThrowsAsync<SinkConfigurationException>(() =>
            PotironStoreConnection.ConnectAsync(options with { PasswordFile = "/nonexistent/password" }, Token));
        Assert.StartsWith("Cannot read the Redis password file /nonexistent/password: ", file.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:6380", "localhost", 6380)]
    [InlineData("redis.example", "redis.example", 6379)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("::1", "::1", 6379)]
    [InlineData("10.0.0.5:1", "10.0.0.5", 1)]
    public void Endpoints_parse(string text, string host, int port)
    {
        Assert.True(RedisConnectionOptions.TryParseEndpoint(text, out var parsedHost, out var parsedPort, out var error), error);
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":6379")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:http")]
    [InlineData("[::1")]
    public void Bad_endpoints_are_refused(string text) =>
        Assert.False(RedisConnectionOptions.TryParseEndpoint(text, out _, out _, out _));

    [Fact]
    public void Endpoint_descriptions_name_the_store()
    {
        Assert.Equal("unix socket /run/redis.sock", RedisConnectionOptions.ForUnixSocket("/run/redis.sock").Describe());
        Assert.Equal("127.0.0.1:6379", RedisConnectionOptions.ForEndpoint("127.0.0.1").Describe());
        Assert.Equal("[::1]:7000 (TLS)", (RedisConnectionOptions.ForEndpoint("[::1]:7000") with { UseTls = true }).Describe());
    }
}
