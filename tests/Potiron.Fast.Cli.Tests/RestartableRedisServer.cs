using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// A private <c>redis-server</c> that can be killed (SIGKILL) and started again on the same unix socket and data folder,
/// with every write synced to its append-only file before it is answered (<c>--appendonly yes --appendfsync always</c>),
/// so that what a client was told is committed survives the kill. (<see cref="RedisServerProcess"/> has no restart and
/// no persistence: it serves the oracle comparisons.)
/// </summary>
internal sealed class RestartableRedisServer : IAsyncDisposable
{
    private Process? process;
    private ConnectionMultiplexer? admin;

    private RestartableRedisServer(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string SocketPath => Path.Combine(Directory, "redis.sock");

    private string LogPath => Path.Combine(Directory, "redis.log");

    /// <summary>An admin connection (FLUSHALL, CLIENT KILL, reads); made again after each restart.</summary>
    public IConnectionMultiplexer Admin => admin ?? throw new InvalidOperationException("The server is not running.");

    public static async Task<RestartableRedisServer> StartAsync()
    {
        // Unix socket paths are limited to ~108 bytes: keep the folder short, under /tmp.
        var directory = Path.Combine(Path.GetTempPath(), "potiron-aof-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var server = new RestartableRedisServer(directory);
        try
        {
            await server.StartProcessAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>SIGKILL: no shutdown, no save; only what the append-only file holds survives.</summary>
    public async Task KillAsync()
    {
        if (admin is not null)
        {
            await admin.DisposeAsync();
            admin = null;
        }
        if (process is not null)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
            process = null;
        }
    }

    /// <summary>Starts the server again on the same socket and folder (it replays its append-only file).</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <summary>The whole database, for comparison with a clean run.</summary>
    public Task<CanonicalDump> DumpAsync() => CanonicalDump.ReadAsync(Admin);

    public Task FlushAsync() => Admin.GetServer(Admin.GetEndPoints()[0]).FlushAllDatabasesAsync();

    public async Task<long> FilesAsync() => await Admin.GetDatabase().SetLengthAsync("FILES");

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private async Task StartProcessAsync()
    {
        var executable = RedisServerProcess.FindExecutable() ?? throw new InvalidOperationException(
            "redis-server is not installed (apt-get install redis-server); the Redis tests need a real server and are not skipped.");
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (var argument in (string[])["--port", "0", "--unixsocket", SocketPath, "--unixsocketperm", "700", "--save", "",
                     "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--dir", Directory, "--logfile", LogPath])
        {
            start.ArgumentList.Add(argument);
        }
        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + executable);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Up once PING answers +PONG (not -LOADING): the append-only file has been replayed.
        var clock = Stopwatch.StartNew();
        while (!await AnswersPongAsync())
        {
            if (process.HasExited)
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode}: {LogTail()}");
            if (clock.Elapsed > WatchedProcess.Patience)
                throw new TimeoutException($"redis-server did not answer PING on {SocketPath}: {LogTail()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        admin = await RedisServerFixture.ConnectAdminAsync(SocketPath);
    }

    private async Task<bool> AnswersPongAsync()
    {
        if (!File.Exists(SocketPath))
            return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
            await socket.SendAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false; // the socket file of the killed server, before the new one replaces it
        }
    }

    private string LogTail()
    {
        try
        {
            return string.Join(" | ", File.ReadAllLines(LogPath).TakeLast(5));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
