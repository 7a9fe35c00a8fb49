using System.Diagnostics;
using System.Globalization;

namespace Potiron.Fast.Redis.Instances;

public sealed partial class ManagedRedisInstances
{
    private const int LogLinesInMessages = 3;

    /// <summary>
    /// Starts each instance that is down (<c>redis-server NAME.conf</c>, no shell) and waits until every one answers
    /// PING, for up to the wait timeout; <paramref name="waiting"/> is told about each one still waited for, once a
    /// second. An instance that already runs, or already accepts connections while it loads its data, is not started
    /// again. Throws <see cref="RedisInstanceUsageException"/> when redis-server is needed and cannot be found.
    /// </summary>
    public async Task<IReadOnlyList<RedisInstanceOutcome>> StartAsync(IReadOnlyList<RedisInstance> instances, Action<RedisInstance>? waiting = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        foreach (var instance in instances)
            instance.ThrowIfSocketPathTooLong();

        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        WriteListIfMissing();
        foreach (var instance in instances)
        {
            if (File.Exists(instance.ConfigPath))
                RedisInstanceConfig.EnsurePaths(instance);
            else
                RedisInstanceConfig.Write(instance);
        }

        var before = await GetStatusAsync(instances, cancellationToken).ConfigureAwait(false);
        var toLaunch = before.Where(s => s.State == RedisInstanceState.Down).Select(s => s.Instance).ToList();
        var executable = toLaunch.Count > 0 ? RedisServerLauncher.FindExecutable(options.RedisServerPath) : null;

        return await Task.WhenAll(instances.Select(async instance =>
        {
            var logStart = 0L;
            if (toLaunch.Contains(instance))
            {
                logStart = LogLength(instance);
                // A server killed earlier leaves its pid file; the new one writes its own, which tells when it dies early.
                File.Delete(instance.PidPath);
                var problem = await RedisServerLauncher.LaunchAsync(executable!, instance, options.WaitTimeout, cancellationToken).ConfigureAwait(false);
                if (problem is not null)
                    return RedisInstanceOutcome.Failed(instance, problem);
            }
            var status = await WaitForStateAsync(instance, RedisInstanceState.Running, waiting, cancellationToken).ConfigureAwait(false);
            if (status.State == RedisInstanceState.Running)
                return RedisInstanceOutcome.Done(instance);
            if (HasExited(instance))
                return RedisInstanceOutcome.Failed(instance, $"the server exited{LogTail(instance, logStart)}");
            return status.State == RedisInstanceState.NotAnswering
                ? RedisInstanceOutcome.Failed(instance,
                    $"accepts connections but did not answer PING within {Seconds(options.WaitTimeout)}: {status.Detail} " +
                    "(a large data set may still be loading: wait, or give a longer --timeout)")
                : RedisInstanceOutcome.Failed(instance, $"no answer within {Seconds(options.WaitTimeout)}{LogTail(instance, logStart)}");
        })).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops each running instance with <c>SHUTDOWN SAVE</c> (the server writes its RDB snapshot and append-only file,
    /// then exits) and waits until its socket is gone, for up to the wait timeout. A down instance is fine as it is.
    /// </summary>
    public async Task<IReadOnlyList<RedisInstanceOutcome>> StopAsync(IReadOnlyList<RedisInstance> instances, Action<RedisInstance>? waiting = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        using var held = Directory.Exists(BackendsFolder) ? await LockAsync(cancellationToken).ConfigureAwait(false) : null;
        return await Task.WhenAll(instances.Select(i => ShutdownAsync(i, save: true, waiting, cancellationToken))).ConfigureAwait(false);
    }

    private async Task<RedisInstanceOutcome> ShutdownAsync(RedisInstance instance, bool save, Action<RedisInstance>? waiting, CancellationToken cancellationToken)
    {
        // SHUTDOWN closes the connection without a reply once the server has saved; an error reply means it refused
        // (it could not save, for one) and still runs. A server that is still loading its data does not save.
        var reply = await RedisInstanceSocket.SendAsync(instance, ["SHUTDOWN", save ? "SAVE" : "NOSAVE"], options.WaitTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (!reply.Connected)
            return RedisInstanceOutcome.Done(instance, "was not running");
        if (reply.IsError)
            return RedisInstanceOutcome.Failed(instance, $"refused to shut down: {reply.Describe()}{LogTail(instance, Math.Max(0, LogLength(instance) - 2048))}");
        var status = await WaitForStateAsync(instance, RedisInstanceState.Down, waiting, cancellationToken).ConfigureAwait(false);
        return status.State == RedisInstanceState.Down
            ? RedisInstanceOutcome.Done(instance)
            : RedisInstanceOutcome.Failed(instance, $"still answers on its socket after {Seconds(options.WaitTimeout)} (still saving? give a longer --timeout)");
    }

    /// <summary>Polls PING until the instance is in <paramref name="wanted"/> or the wait timeout passes; returns the last status.</summary>
    private async Task<RedisInstanceStatus> WaitForStateAsync(RedisInstance instance, RedisInstanceState wanted, Action<RedisInstance>? waiting,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var nextReport = TimeSpan.Zero;
        while (true)
        {
            var status = await ProbeAsync(instance, cancellationToken).ConfigureAwait(false);
            if (status.State == wanted || clock.Elapsed >= options.WaitTimeout)
                return status;
            if (wanted == RedisInstanceState.Running && HasExited(instance))
                return status;
            if (clock.Elapsed >= nextReport)
            {
                waiting?.Invoke(instance);
                nextReport = clock.Elapsed + TimeSpan.FromSeconds(1);
            }
            await Task.Delay(options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the server of the instance's pid file is gone (a server that fails to load its data exits after it has
    /// forked, leaving its pid file behind), read from <c>/proc</c>; false when it cannot be told.
    /// </summary>
    private static bool HasExited(RedisInstance instance)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(instance.PidPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !Directory.Exists("/proc/self"))
                return false;
            // The state follows the command name in parentheses: Z (zombie) and X (dead) have exited too.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat.AsSpan(stat.LastIndexOf(')') + 1).TrimStart();
            return state.Length > 0 && state[0] is 'Z' or 'X';
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // No pid file yet (not gone), or no process of that id (gone).
            return File.Exists(instance.PidPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long LogLength(RedisInstance instance)
    {
        var log = new FileInfo(instance.LogPath);
        return log.Exists ? log.Length : 0;
    }

    /// <summary>The last lines the server logged since <paramref name="from"/>, as ": line | line", or where to look.</summary>
    private static string LogTail(RedisInstance instance, long from)
    {
        try
        {
            using var stream = new FileStream(instance.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0
                ? $" (nothing in {instance.LogPath})"
                : $": {string.Join(" | ", lines.TakeLast(LogLinesInMessages))} (log: {instance.LogPath})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $" (no log at {instance.LogPath})";
        }
    }

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0.#} s";
}
