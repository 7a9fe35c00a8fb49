using System.Net.Sockets;
using Potiron.Fast.Aggregation;
using StackExchange.Redis;

namespace Potiron.Fast.Redis;

/// <summary>
/// The process's one connection to the store: a StackExchange.Redis multiplexer (many commands in flight on one
/// socket) plus the name of the endpoint for messages. The sink and the reader share it.
/// </summary>
/// <remarks>
/// Every failure to reach or use the store becomes a <see cref="SinkConfigurationException"/> whose one line names the
/// endpoint and the cause (missing socket, refused, timed out, password refused). That is the contract's "the store
/// cannot be used" exception, so the ingest pipeline and the CLI need a single catch for every store problem.
/// </remarks>
public sealed class PotironStoreConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer multiplexer;

    private PotironStoreConnection(ConnectionMultiplexer multiplexer, RedisConnectionOptions options)
    {
        this.multiplexer = multiplexer;
        Options = options;
        Database = multiplexer.GetDatabase(options.Database);
    }

    public RedisConnectionOptions Options { get; }

    public IConnectionMultiplexer Multiplexer => multiplexer;

    public IDatabase Database { get; }

    /// <summary>The endpoint as messages name it.</summary>
    public string Endpoint => Options.Describe();

    public static async Task<PotironStoreConnection> ConnectAsync(RedisConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = options.ToConfiguration();
        var endpoint = options.Describe();

        // StackExchange.Redis reports every transport failure as "UnableToConnect" after its timeout; one plain socket
        // connect first tells a missing socket, a refusal and a timeout apart, at once.
        await ProbeAsync(options, endpoint, cancellationToken).ConfigureAwait(false);

        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException e)
        {
            throw new SinkConfigurationException(
                e.InnerException is System.Security.Authentication.AuthenticationException tls
                    ? $"Cannot connect to Redis at {endpoint}: TLS handshake failed: {FirstLine(tls.Message)}" +
                      (options.TlsCaFile is null ? " (give the CA file of the server's certificate)." : ".")
                    : e.FailureType == ConnectionFailureType.AuthenticationFailure
                        ? $"Redis at {endpoint} refused the credentials: {AuthenticationCause(e)}"
                        : $"Cannot connect to Redis at {endpoint}: {e.FailureType} ({FirstLine(e.InnerException?.Message ?? e.Message)}).");
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            throw new SinkConfigurationException($"Cannot connect to Redis at {endpoint}: {FirstLine(e.Message)}");
        }

        var connection = new PotironStoreConnection(multiplexer, options);
        try
        {
            await connection.Database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new SinkConfigurationException($"Redis at {endpoint} does not answer PING: {FirstLine(e.Message)}");
        }
        return connection;
    }

    /// <summary>The message for a store command that failed in the middle of a run.</summary>
    internal SinkConfigurationException Failure(string doing, Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException =>
            new SinkConfigurationException($"Lost the connection to Redis at {Endpoint} while {doing}: {FirstLine(e.Message)}"),
        _ => new SinkConfigurationException($"Redis at {Endpoint} failed while {doing}: {FirstLine(e.Message)}"),
    };

    public async ValueTask DisposeAsync()
    {
        await multiplexer.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
        await multiplexer.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task ProbeAsync(RedisConnectionOptions options, string endpoint, CancellationToken cancellationToken)
    {
        var target = options.GetEndPoint();
        if (options.UnixSocketPath is { } path && !File.Exists(path))
            throw new SinkConfigurationException($"Cannot connect to Redis at {endpoint}: no such socket (is redis-server running with --unixsocket {path}?).");

        using var socket = target is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkConfigurationException($"Cannot connect to Redis at {endpoint}: no answer within {options.ConnectTimeout.TotalSeconds:0.#} s.");
        }
        catch (SocketException e)
        {
            var cause = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused (nothing listens there)",
                SocketError.AccessDenied => "permission denied",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "unknown host",
                SocketError.TimedOut => "timed out",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
                _ => e.Message,
            };
            throw new SinkConfigurationException($"Cannot connect to Redis at {endpoint}: {cause}.");
        }
    }

    private static string AuthenticationCause(RedisConnectionException e)
    {
        var server = e.InnerException?.Message ?? e.Message;
        if (server.Contains("NOAUTH", StringComparison.Ordinal))
            return "it requires a password and none was given (set the password variable or file).";
        if (server.Contains("WRONGPASS", StringComparison.Ordinal) || server.Contains("invalid password", StringComparison.OrdinalIgnoreCase))
            return "wrong user name or password.";
        return FirstLine(server);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
