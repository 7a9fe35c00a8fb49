using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// A private redis-server for the flush benchmarks: a temporary folder, a unix socket in it, no persistence, stopped
/// and deleted on dispose. Small synchronous RESP helpers serve the setup and cleanup steps that run outside the
/// measured code (FLUSHALL needs no admin-enabled client this way).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, string folder, string socketPath)
    {
        _process = process;
        Folder = folder;
        SocketPath = socketPath;
    }

    public string Folder { get; }
    public string SocketPath { get; }

    public static RedisServer Start()
    {
        var executable = Environment.GetEnvironmentVariable("REDIS_SERVER") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        // Unix socket paths are limited to about 108 bytes: keep the folder short, under /tmp.
        var folder = Path.Combine(Path.GetTempPath(), "potiron-bench-redis-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var socketPath = Path.Combine(folder, "redis.sock");
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, WorkingDirectory = folder };
        foreach (var argument in (string[])["--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700", "--save", "",
                     "--appendonly", "no", "--daemonize", "no", "--dir", folder, "--logfile", Path.Combine(folder, "redis.log")])
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + executable);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"redis-server is needed for the flush benchmarks ({e.Message}): apt-get install redis-server", e);
        }
        var server = new RedisServer(process, folder, socketPath);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                server.Dispose();
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode}");
            }
            if (File.Exists(socketPath) && server.TryCommand(out var reply, "PING") && reply == "+PONG")
                return server;
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                server.Dispose();
                throw new TimeoutException("redis-server did not answer PING within 10 s");
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends one command and returns the first line of the reply (e.g. <c>+OK</c>, <c>:42</c>).</summary>
    public string Command(params string[] arguments) =>
        TryCommand(out var reply, arguments) ? reply : throw new InvalidOperationException($"redis-server did not answer {arguments[0]}");

    private bool TryCommand(out string reply, params string[] arguments)
    {
        reply = "";
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
            foreach (var argument in arguments)
                request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
            socket.Send(Encoding.UTF8.GetBytes(request.ToString()));
            var buffer = new byte[256];
            var length = 0;
            while (length < buffer.Length)
            {
                var read = socket.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
                if (read == 0)
                    break;
                length += read;
                var end = Array.IndexOf(buffer, (byte)'\n', 0, length);
                if (end >= 0)
                {
                    reply = Encoding.UTF8.GetString(buffer, 0, end).TrimEnd('\r');
                    return true;
                }
            }
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        BenchCaptures.DeleteFolder(Folder);
    }
}
