using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Garnet;
using Garnet.server;
using Garnet.server.Auth.Settings;
using Microsoft.Extensions.Logging;
using Potiron.Fast.Aggregation;
using StackExchange.Redis;
using Tsavorite.core;

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
/// Garnet is started from a <see cref="GarnetServerOptions"/> built here, the equivalent of the command line
/// <c>--bind 127.0.0.1 --port P --auth Password --password … --storage-tier true --logdir D --checkpointdir D --recover true
/// --aof true --aof-commit-freq 0 --aof-commit-wait true --device-type RandomAccess -q true --disable-console-logger true</c>
/// (Garnet's own parser of that line needs reflection that a Native AOT build lacks). <c>RandomAccess</c> is the managed
/// <c>System.IO.RandomAccess</c> device, so no native libaio is needed; the storage tier lets the log spill to disk
/// instead of dropping records once memory is full. The append-only file is committed before each reply and replayed at
/// start after the last checkpoint, so a killed process loses at most the commit that had not been answered.
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
                    var server = await Task.Run(() => Start(ServerOptions(options, garnetDirectory, port, password)), cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Garnet's settings, built directly rather than parsed from a command line: Garnet's parser binds its options with
    /// reflection-based JSON and CommandLineParser, which a Native AOT build cannot run. These are exactly the settings
    /// that <c>new GarnetServer(args)</c> derives from <see cref="EquivalentArguments"/> (a test compares the two member
    /// by member, so a Garnet upgrade that changes its defaults fails the test instead of changing the store).
    /// </summary>
    internal static GarnetServerOptions ServerOptions(EmbeddedStoreOptions options, string garnetDirectory, int port, string password)
    {
        var directory = Path.GetFullPath(garnetDirectory);
        var serverOptions = new GarnetServerOptions
        {
            EndPoints = [new IPEndPoint(IPAddress.Loopback, port)],
            AuthSettings = new PasswordAuthenticationSettings(password),
            // The storage tier lets the log spill to files instead of dropping records once memory is full.
            EnableStorageTier = true,
            LogDir = directory,
            CheckpointDir = directory,
            Recover = true,
            // The append-only file, committed before each reply (EXEC included): a commit that was answered survives a
            // killed process, and recovery replays it after the last checkpoint. Without it a SIGKILL lost every file of
            // the run (their FILES entries too, so a re-run imported them again: never twice, but more work lost).
            EnableAOF = true,
            CommitFrequencyMs = 0,
            WaitForCommit = true,
            // The managed System.IO.RandomAccess device: no native libaio needed.
            DeviceType = DeviceType.RandomAccess,
            DeviceFactoryCreator = new LocalStorageNamedDeviceFactoryCreator(
                preallocateFile: false, deleteOnClose: false, disableFileBuffering: true, throttleLimit: null,
                DeviceType.RandomAccess, numCompletionThreads: 4, readOnly: false, logger: null,
                new NativeDeviceOptions()),
            QuietMode = true,
            // Values that Garnet's own defaults file gives its command line but GarnetServerOptions does not.
            AofTailWitnessFreqMs = 10,
            NetworkBufferMemoryBudget = "1g",
            NetworkBufferPoolSize = "64m",
            RevivifiableFraction = 1,
            LogLevel = LogLevel.Warning,
        };
        if (options.MemorySize is not null)
            serverOptions.LogMemorySize = options.MemorySize;
        if (options.IndexSize is not null)
            serverOptions.IndexMemorySize = options.IndexSize;
        return serverOptions;
    }

    /// <summary>The Garnet command line that <see cref="ServerOptions"/> stands for (what <c>garnet-server</c> would be given).</summary>
    internal static string[] EquivalentArguments(EmbeddedStoreOptions options, string garnetDirectory, int port, string password)
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

    private static GarnetServer Start(GarnetServerOptions serverOptions)
    {
        GarnetServer? server = null;
        try
        {
            // No logger factory: Garnet logs nothing (our stdout is for results only, stderr for our own lines).
            server = new GarnetServer(serverOptions);
            server.Start();
            return server;
        }
        catch
        {
            server?.Dispose(deleteDir: false);
            throw;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
