using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Garnet;
using Potiron.Fast.Aggregation;
using StackExchange.Redis;

namespace Potiron.Fast.Redis;

/// <summary>Where and how the embedded store keeps its data.</summary>
public sealed record EmbeddedStoreOptions
{
    public const string DefaultDataDirectory = "potiron-data";

    /// <summary>The data folder (created if needed); relative paths are taken from the current directory.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory;

    /// <summary>
    /// Garnet's <c>--memory</c>: the in-memory part of its log (e.g. <c>1g</c>); older records spill to files in the data
    /// folder. Null keeps Garnet's default (16g), a ceiling, not a reservation.
    /// </summary>
    public string? MemorySize { get; init; }

    /// <summary>Garnet's <c>--index</c> (hash index size, e.g. <c>64m</c>); null keeps Garnet's default (128m).</summary>
    public string? IndexSize { get; init; }
}

/// <summary>
/// The default store when no Redis is given: a Microsoft Garnet server inside this process, listening on a free loopback
/// port with a password generated for this process, its data in a folder (default <c>./potiron-data</c>) that is
/// recovered at start and checkpointed at exit. Connect to it through <see cref="ConnectionOptions"/> like to any Redis.
/// </summary>
/// <remarks>
/// Garnet is started with the string-array constructor of <see cref="GarnetServer"/> (its <c>Options</c> class is internal):
/// <c>--bind 127.0.0.1 --port P --auth Password --password … --storage-tier true --logdir D --checkpointdir D --recover true
/// --device-type RandomAccess -q true --disable-console-logger true</c>. <c>RandomAccess</c> is the managed
/// <c>System.IO.RandomAccess</c> device, so no native libaio is needed; the storage tier lets the log spill to disk
/// instead of dropping records once memory is full. Durability is per checkpoint: a killed process loses what it wrote
/// since the last one, files' counts and their <c>FILES</c> entries alike, so a re-run imports those files again.
/// A lock file keeps a second process out of the folder while this one runs.
/// </remarks>
public sealed class EmbeddedGarnetStore : IAsyncDisposable
{
    /// <summary>Garnet's own files, below the data folder (the lock file sits beside this folder).</summary>
    public const string GarnetSubdirectory = "garnet";

    private const int PortAttempts = 3;

    private readonly GarnetServer server;
    private readonly DataDirectoryLock directoryLock;
    private bool disposed;

    private EmbeddedGarnetStore(GarnetServer server, DataDirectoryLock directoryLock, IPEndPoint endPoint, string password)
    {
        this.server = server;
        this.directoryLock = directoryLock;
        EndPoint = endPoint;
        ConnectionOptions = new RedisConnectionOptions
        {
            Host = endPoint.Address.ToString(),
            Port = endPoint.Port,
            Password = password,
            // Our own server in this process: on a loaded machine its first answer may take a while, and failing
            // would only make the user run again.
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The data folder (full path).</summary>
    public string DataDirectory => directoryLock.Directory;

    public IPEndPoint EndPoint { get; }

    /// <summary>How to reach the store: loopback host, port and the in-memory password.</summary>
    public RedisConnectionOptions ConnectionOptions { get; }

    /// <summary>Locks the data folder, starts Garnet on it and recovers the last checkpoint.</summary>
    public static async Task<EmbeddedGarnetStore> StartAsync(EmbeddedStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedStoreOptions();
        var directoryLock = DataDirectoryLock.Acquire(options.DataDirectory);
        try
        {
            var garnetDirectory = Path.Combine(directoryLock.Directory, GarnetSubdirectory);
            Directory.CreateDirectory(garnetDirectory);
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var port = FreeLoopbackPort();
                try
                {
                    var server = await Task.Run(() => Start(Arguments(options, garnetDirectory, port, password)), cancellationToken).ConfigureAwait(false);
                    return new EmbeddedGarnetStore(server, directoryLock, new IPEndPoint(IPAddress.Loopback, port), password);
                }
                catch (SocketException) when (attempt < PortAttempts)
                {
                    // Another process took the port between our probe and Garnet's bind: pick another.
                }
            }
        }
        catch (Exception e)
        {
            directoryLock.Dispose();
            if (e is SinkConfigurationException or OperationCanceledException)
                throw;
            throw new SinkConfigurationException($"Cannot start the embedded store in {directoryLock.Directory}: {e.Message}");
        }
    }

    /// <summary>Writes a checkpoint now (SAVE): everything committed so far survives a crash from here on.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var configuration = ConnectionOptions.ToConfiguration();
        configuration.AllowAdmin = true;
        configuration.ClientName = "potiron-fast-checkpoint";
        await using var admin = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        // A foreground SAVE on purpose: the caller wants the checkpoint written when this returns.
        await admin.GetServer(admin.GetEndPoints()[0]).ExecuteAsync("SAVE").WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checkpoints, stops Garnet (its files stay) and unlocks the folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
            return;
        try
        {
            await CheckpointAsync().ConfigureAwait(false);
        }
        finally
        {
            disposed = true;
            try
            {
                server.Dispose(deleteDir: false);
            }
            finally
            {
                directoryLock.Dispose();
            }
        }
    }

    private static string[] Arguments(EmbeddedStoreOptions options, string garnetDirectory, int port, string password)
    {
        var arguments = new List<string>
        {
            "--bind", IPAddress.Loopback.ToString(),
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--auth", "Password",
            "--password", password,
            "--storage-tier", "true",
            "--logdir", garnetDirectory,
            "--checkpointdir", garnetDirectory,
            "--recover", "true",
            // The append-only file, committed before each reply (EXEC included): a commit that was answered survives a
            // killed process, and recovery replays it after the last checkpoint. Without it a SIGKILL lost every file of
            // the run (their FILES entries too, so a re-run imported them again: never twice, but more work lost).
            "--aof", "true",
            "--aof-commit-freq", "0",
            "--aof-commit-wait", "true",
            "--device-type", "RandomAccess",
            "-q", "true",
            "--disable-console-logger", "true",
        };
        if (options.MemorySize is not null)
            arguments.AddRange(["--memory", options.MemorySize]);
        if (options.IndexSize is not null)
            arguments.AddRange(["--index", options.IndexSize]);
        return arguments.ToArray();
    }

    private static GarnetServer Start(string[] arguments)
    {
        // The string-array constructor adds a console trace listener to the process; our stdout is for results only.
        var listeners = Trace.Listeners.Cast<TraceListener>().ToHashSet();
        GarnetServer? server = null;
        try
        {
            server = new GarnetServer(arguments);
            server.Start();
            return server;
        }
        catch
        {
            server?.Dispose(deleteDir: false);
            throw;
        }
        finally
        {
            foreach (var added in Trace.Listeners.Cast<TraceListener>().Where(l => !listeners.Contains(l)).ToList())
                Trace.Listeners.Remove(added);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
