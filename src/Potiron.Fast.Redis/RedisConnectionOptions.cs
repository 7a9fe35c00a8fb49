using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Potiron.Fast.Aggregation;
using StackExchange.Redis;

namespace Potiron.Fast.Redis;

/// <summary>
/// Where the store is and how to reach it: a unix socket (<c>-u/--unix</c>, the original's only way) or
/// <c>host:port</c> (<c>--redis</c>), optional ACL user and password, optional TLS. Always database 0 (reference §14.A.1).
/// The password is read from an environment variable or a file named here, never taken as a bare command-line value.
/// </summary>
public sealed record RedisConnectionOptions
{
    public const int DefaultPort = 6379;

    /// <summary>The unix socket of the redis-server; exclusive with <see cref="Host"/>.</summary>
    public string? UnixSocketPath { get; init; }

    /// <summary>Host name or address for TCP; exclusive with <see cref="UnixSocketPath"/>.</summary>
    public string? Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    /// <summary>ACL user for AUTH; null for the default user.</summary>
    public string? User { get; init; }

    /// <summary>Name of the environment variable that holds the password (e.g. <c>REDISCLI_AUTH</c>).</summary>
    public string? PasswordEnvironmentVariable { get; init; }

    /// <summary>File whose content (without the trailing newline) is the password.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>
    /// A password known inside this process only (the embedded store's generated one). A command line must never fill
    /// it: use <see cref="PasswordEnvironmentVariable"/> or <see cref="PasswordFile"/>.
    /// </summary>
    public string? Password { get; init; }

    public bool UseTls { get; init; }

    /// <summary>PEM file of the CA that signed the server's certificate, when it is not in the system store.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>Time allowed to connect and authenticate.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Time allowed for one command. A file's commit is one transaction whose EXEC may take seconds for millions of
    /// members (about 10 s per million on a 2-core machine), so the default is generous.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>potiron always uses database 0.</summary>
    public int Database => 0;

    public static RedisConnectionOptions ForUnixSocket(string path) => new() { UnixSocketPath = path };

    /// <summary>Options for <c>host:port</c>, <c>host</c> (port 6379) or <c>[v6-address]:port</c>.</summary>
    public static RedisConnectionOptions ForEndpoint(string hostAndPort)
    {
        if (!TryParseEndpoint(hostAndPort, out var host, out var port, out var error))
            throw new ArgumentException(error, nameof(hostAndPort));
        return new RedisConnectionOptions { Host = host, Port = port };
    }

    public static bool TryParseEndpoint(string text, out string host, out int port, out string? error)
    {
        host = "";
        port = DefaultPort;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The Redis endpoint is empty; give host:port.";
            return false;
        }
        var portText = (string?)null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"The Redis endpoint '{text}' opens a '[' it does not close.";
                return false;
            }
            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':')
                {
                    error = $"The Redis endpoint '{text}' has text after ']' that is not ':port'.";
                    return false;
                }
                portText = text[(close + 2)..];
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                // Several colons: a bare IPv6 address, no port.
                host = text;
            }
            else if (colon >= 0)
            {
                host = text[..colon];
                portText = text[(colon + 1)..];
            }
            else
            {
                host = text;
            }
        }
        if (host.Length == 0)
        {
            error = $"The Redis endpoint '{text}' has no host.";
            return false;
        }
        if (portText is not null &&
            (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"The Redis endpoint '{text}' has no valid port (1-65535).";
            return false;
        }
        return true;
    }

    /// <summary>How messages name this store: <c>unix socket /run/redis.sock</c> or <c>127.0.0.1:6379</c>.</summary>
    public string Describe() => UnixSocketPath is not null
        ? "unix socket " + UnixSocketPath
        : (Host!.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture) +
          (UseTls ? " (TLS)" : "");

    internal EndPoint GetEndPoint()
    {
        if ((UnixSocketPath is null) == (Host is null))
            throw new SinkConfigurationException("Give the Redis store either a unix socket or host:port, not both and not neither.");
        if (UnixSocketPath is not null)
            return new UnixDomainSocketEndPoint(UnixSocketPath);
        return IPAddress.TryParse(Host, out var address) ? new IPEndPoint(address, Port) : new DnsEndPoint(Host!, Port);
    }

    /// <summary>The password from memory, the environment variable or the file; null when none is configured.</summary>
    internal string? ResolvePassword()
    {
        if (Password is not null)
            return Password;
        if (PasswordEnvironmentVariable is not null)
        {
            var value = Environment.GetEnvironmentVariable(PasswordEnvironmentVariable);
            if (string.IsNullOrEmpty(value))
                throw new SinkConfigurationException($"The password variable {PasswordEnvironmentVariable} is not set in the environment.");
            return value;
        }
        if (PasswordFile is not null)
        {
            try
            {
                return File.ReadAllText(PasswordFile).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SinkConfigurationException($"Cannot read the Redis password file {PasswordFile}: {e.Message}");
            }
        }
        return null;
    }

    internal ConfigurationOptions ToConfiguration()
    {
        var configuration = new ConfigurationOptions
        {
            EndPoints = { GetEndPoint() },
            DefaultDatabase = Database,
            ClientName = "potiron-fast",
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = ToMilliseconds(ConnectTimeout),
            SyncTimeout = ToMilliseconds(CommandTimeout),
            AsyncTimeout = ToMilliseconds(CommandTimeout),
            // A lost connection fails the commands in flight at once instead of replaying them after a reconnect:
            // a commit then either ran whole (its EXEC arrived) or not at all, and the run reports the file.
            BacklogPolicy = BacklogPolicy.FailFast,
            User = User,
            Password = ResolvePassword(),
            Ssl = UseTls,
        };
        if (UseTls && Host is not null)
            configuration.SslHost = Host;
        if (UseTls && TlsCaFile is not null)
        {
            if (!File.Exists(TlsCaFile))
                throw new SinkConfigurationException($"The TLS CA file {TlsCaFile} does not exist.");
            configuration.TrustIssuer(TlsCaFile);
        }
        return configuration;
    }

    private static int ToMilliseconds(TimeSpan span) => (int)Math.Clamp(span.TotalMilliseconds, 1, int.MaxValue);
}
