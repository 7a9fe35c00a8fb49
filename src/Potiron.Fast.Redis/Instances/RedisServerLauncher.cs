using System.Diagnostics;

namespace Potiron.Fast.Redis.Instances;

/// <summary>
/// Runs <c>redis-server /…/NAME.conf</c> from an argument vector (never a shell) with the instance folder as working
/// directory. The config says <c>daemonize yes</c>, so the launched process forks the server and exits at once; its
/// exit code and standard error carry the config errors that stop a server before it forks.
/// </summary>
internal static class RedisServerLauncher
{
    public const string ExecutableName = "redis-server";

    /// <summary>The executable to run: the one given, or the first <c>redis-server</c> on <c>PATH</c>.</summary>
    public static string FindExecutable(string? given)
    {
        if (given is not null)
        {
            if (File.Exists(given))
                return Path.GetFullPath(given);
            throw new RedisInstanceUsageException($"{given} does not exist; give the path of a redis-server executable.");
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, ExecutableName);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new RedisInstanceUsageException(
            "redis-server is not installed or not on PATH: install it (apt-get install redis-server) or give its path with --redis-server.");
    }

    /// <summary>Launches the server; returns null when it daemonized, or why it did not.</summary>
    public static async Task<string?> LaunchAsync(string executable, RedisInstance instance, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            WorkingDirectory = instance.Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(instance.ConfigPath);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.StandardInput.Close();
        // The server replaces the pipes with /dev/null when it forks, so both reads end with the launcher.
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not daemonized (someone set daemonize no): it runs in the foreground, which is fine; do not wait on it.
            return null;
        }
        if (process.ExitCode == 0)
            return null;
        var text = string.Join(" ", new[] { await error.ConfigureAwait(false), await output.ConfigureAwait(false) }
            .SelectMany(t => t.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(line => !line.StartsWith("***", StringComparison.Ordinal)));
        return $"{ExecutableName} exited with code {process.ExitCode}" + (text.Length > 0 ? $": {text}" : ".");
    }
}
