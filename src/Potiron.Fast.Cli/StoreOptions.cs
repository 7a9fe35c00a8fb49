using System.CommandLine;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis;

namespace Potiron.Fast.Cli;

/// <summary>
/// The options that say which store to use, shared by every command that opens one: a redis-server by unix socket
/// (<c>-u</c>, as the original) or host:port, or else the embedded store under <c>--data-dir</c>.
/// </summary>
internal sealed class StoreOptions
{
    public Option<string?> Unix { get; } = new("--unix", "-u") { Description = "Unix socket of a redis-server (the original's -u)." };
    public Option<string?> Redis { get; } = new("--redis") { Description = "host:port of a Redis server (instead of -u)." };
    public Option<string?> PasswordEnv { get; } = new("--password-env") { Description = "Name of an environment variable holding the Redis password." };
    public Option<string?> PasswordFile { get; } = new("--password-file") { Description = "File holding the Redis password (never give the password itself on the command line)." };
    public Option<string?> User { get; } = new("--user") { Description = "Redis ACL user name." };
    public Option<bool> Tls { get; } = new("--tls") { Description = "Connect with TLS." };
    public Option<string?> TlsCa { get; } = new("--tls-ca") { Description = "PEM file of the CA that signed the server's certificate." };
    public Option<string> DataDir { get; } = new("--data-dir")
    {
        Description = "Folder of the embedded store, used when neither -u nor --redis is given.",
        DefaultValueFactory = _ => "potiron-data",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Unix);
        command.Options.Add(Redis);
        command.Options.Add(PasswordEnv);
        command.Options.Add(PasswordFile);
        command.Options.Add(User);
        command.Options.Add(Tls);
        command.Options.Add(TlsCa);
        command.Options.Add(DataDir);
    }

    /// <summary>Connects to the chosen store, starting the embedded one if needed. Throws SinkConfigurationException.</summary>
    public async Task<OpenStore> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var unix = parse.GetValue(Unix);
        var redis = parse.GetValue(Redis);
        if (unix is not null && redis is not null)
            throw new SinkConfigurationException("Give either -u/--unix or --redis, not both.");
        RedisConnectionOptions options;
        EmbeddedGarnetStore? embedded = null;
        if (unix is null && redis is null)
        {
            embedded = await EmbeddedGarnetStore.StartAsync(new EmbeddedStoreOptions { DataDirectory = parse.GetValue(DataDir)! }, cancellationToken);
            options = embedded.ConnectionOptions;
        }
        else
        {
            if (redis is not null && !RedisConnectionOptions.TryParseEndpoint(redis, out _, out _, out var error))
                throw new SinkConfigurationException(error!);
            options = (unix is not null ? RedisConnectionOptions.ForUnixSocket(unix) : RedisConnectionOptions.ForEndpoint(redis!)) with
            {
                PasswordEnvironmentVariable = parse.GetValue(PasswordEnv),
                PasswordFile = parse.GetValue(PasswordFile),
                User = parse.GetValue(User),
                UseTls = parse.GetValue(Tls),
                TlsCaFile = parse.GetValue(TlsCa),
            };
        }
        try
        {
            var connection = await PotironStoreConnection.ConnectAsync(options, cancellationToken);
            return new OpenStore(connection, embedded);
        }
        catch
        {
            if (embedded is not null)
                await embedded.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A connection, and the embedded server behind it when there is one (stopped and persisted on dispose).</summary>
internal sealed class OpenStore(PotironStoreConnection connection, EmbeddedGarnetStore? embedded) : IAsyncDisposable
{
    public PotironStoreConnection Connection { get; } = connection;
    public EmbeddedGarnetStore? Embedded { get; } = embedded;

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        if (Embedded is not null)
            await Embedded.DisposeAsync();
    }
}
