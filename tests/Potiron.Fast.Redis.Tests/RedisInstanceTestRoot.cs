using System.Diagnostics;
using Potiron.Fast.Redis.Instances;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// A temporary root for <see cref="ManagedRedisInstances"/> (short, under /tmp: socket paths are limited to 107 bytes),
/// with the redis-server the other tests use. Disposing stops every server started under it (SHUTDOWN NOSAVE, then
/// SIGKILL by its pid file if it lingers) and deletes the folder, so a failed test leaves no daemon behind.
/// </summary>
internal sealed class RedisInstanceTestRoot : IAsyncDisposable
{
    private RedisInstanceTestRoot(string path) => Path = path;

    public string Path { get; }

    public string BackendsFolder => System.IO.Path.Combine(Path, ManagedRedisInstances.BackendsFolderName);

    /// <param name="folderName">The root's own name, to try names with spaces and quotes.</param>
    public static RedisInstanceTestRoot Create(string? folderName = null)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "potiron-ri-" + Guid.NewGuid().ToString("N")[..10], folderName ?? "root");
        Directory.CreateDirectory(path);
        return new RedisInstanceTestRoot(path);
    }

    public static RedisInstanceOptions Options => new()
    {
        RedisServerPath = RedisServerProcess.FindExecutable()
            ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server); these tests need a real server."),
        WaitTimeout = TimeSpan.FromSeconds(10),
        PollInterval = TimeSpan.FromMilliseconds(20),
    };

    public ManagedRedisInstances Open(RedisInstanceOptions? options = null) => ManagedRedisInstances.Open(Path, options ?? Options);

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(BackendsFolder) && TryOpen() is { } instances)
        {
            var all = Directory.GetDirectories(BackendsFolder)
                .Select(System.IO.Path.GetFileName)
                .Where(RedisInstanceName.IsValid)
                .Select(name => instances.Instance(name!))
                .ToList();
            await instances.StopAsync(all).ConfigureAwait(false);
            foreach (var instance in all)
                KillIfAlive(instance);
        }
        try
        {
            Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    /// <summary>The manager for cleaning up, or null when a test broke the list on purpose (it started no server then).</summary>
    private ManagedRedisInstances? TryOpen()
    {
        try
        {
            return Open(Options with { WaitTimeout = TimeSpan.FromSeconds(5) });
        }
        catch (RedisInstanceUsageException)
        {
            return null;
        }
    }

    /// <summary>The last resort for a server that would not stop: its pid file is in this temporary root, so it is ours.</summary>
    private static void KillIfAlive(RedisInstance instance)
    {
        if (ReadPid(instance) is not { } pid || !ServerProcessIds(instance).Contains(pid))
            return;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// The redis-server processes serving <paramref name="instance"/>, found in /proc by their title (redis sets it to
    /// <c>redis-server unixsocket:PATH</c>) or their command line (the config path).
    /// </summary>
    public static IReadOnlyList<int> ServerProcessIds(RedisInstance instance)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(folder), out var pid))
                continue;
            try
            {
                var commandLine = File.ReadAllText(System.IO.Path.Combine(folder, "cmdline"));
                if (commandLine.Contains("unixsocket:" + instance.SocketPath, StringComparison.Ordinal) ||
                    commandLine.Contains(instance.ConfigPath, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }

    public static UnixFileMode ModeOf(string path)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("redis-server instances need unix sockets.");
        return File.GetUnixFileMode(path);
    }

    public static int? ReadPid(RedisInstance instance)
    {
        try
        {
            return int.Parse(File.ReadAllText(instance.PidPath).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null;
        }
    }
}
