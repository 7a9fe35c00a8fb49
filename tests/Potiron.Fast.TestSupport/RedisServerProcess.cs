using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Potiron.Fast.TestSupport;

/// <summary>
/// One private <c>redis-server</c>: a temporary folder, a unix socket in it, no persistence
/// (<c>--port 0 --unixsocket &lt;tmp&gt;/redis.sock --save '' --appendonly no</c>), as the oracle was made. Stopped and
/// its folder deleted on dispose.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    /// <summary>Where Debian (and CI, through apt) installs the server.</summary>
    public const string DefaultExecutable = "/usr/bin/redis-server";

    private readonly Process process;

    private RedisServerProcess(Process process, string directory, string socketPath)
    {
        this.process = process;
        Directory = directory;
        SocketPath = socketPath;
    }

    /// <summary>The temporary folder of this server (socket, log).</summary>
    public string Directory { get; }

    public string SocketPath { get; }

    public string LogPath => Path.Combine(Directory, "redis.log");

    /// <summary>The server's executable: <c>REDIS_SERVER</c>, <see cref="DefaultExecutable"/>, or the first on PATH.</summary>
    public static string? FindExecutable()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("REDIS_SERVER");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment))
            return fromEnvironment;
        if (File.Exists(DefaultExecutable))
            return DefaultExecutable;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "redis-server");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>Starts a server and waits until it answers PING on its socket.</summary>
    /// <param name="extraArguments">More server options, e.g. <c>--requirepass secret</c>.</param>
    public static async Task<RedisServerProcess> StartAsync(IEnumerable<string>? extraArguments = null, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "redis-server is not installed (looked at $REDIS_SERVER, " + DefaultExecutable + " and PATH). " +
            "Install it (apt-get install redis-server); the Redis tests need a real server and are not skipped.");

        // Unix socket paths are limited to ~108 bytes: keep the folder short, under /tmp.
        var directory = Path.Combine(Path.GetTempPath(), "potiron-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var socketPath = Path.Combine(directory, "redis.sock");
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in (string[])["--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700", "--save", "",
                     "--appendonly", "no", "--daemonize", "no", "--dir", directory, "--logfile", Path.Combine(directory, "redis.log")])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var argument in extraArguments ?? [])
            start.ArgumentList.Add(argument);

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + executable);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServerProcess(process, directory, socketPath);
        try
        {
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server exited with code {process.ExitCode} before answering: {ReadLogTail()}");
            }
            if (File.Exists(SocketPath) && await AnswersPingAsync(cancellationToken).ConfigureAwait(false))
                return;
            if (deadline.Elapsed > limit)
                throw new TimeoutException($"redis-server did not answer PING on {SocketPath} within {limit.TotalSeconds} s: {ReadLogTail()}");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken).ConfigureAwait(false);
            await socket.SendAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            // "+PONG" when ready; "-NOAUTH" still means the server is up (a password server).
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string ReadLogTail()
    {
        try
        {
            var lines = File.ReadAllLines(LogPath);
            return string.Join(" | ", lines.TakeLast(5));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
