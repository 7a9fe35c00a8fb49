namespace Potiron.Fast.Redis.Instances;

/// <summary>The lines <c>potiron redis status</c> (and start and stop, once they are done) print.</summary>
public static class RedisInstanceReport
{
    /// <summary>
    /// All running: one line per instance with its socket, then the original's <c>All redis instances running: a, b</c>.
    /// All down: the original's <c>All redis instances stopped: a, b</c> alone. Otherwise one line per instance,
    /// <c>NAME: running (socket PATH)</c>, <c>NAME: down</c> or <c>NAME: not answering (socket PATH): WHY</c>.
    /// No instance at all (every one deleted): one line that says how to create one.
    /// </summary>
    public static IReadOnlyList<string> StatusLines(IReadOnlyList<RedisInstanceStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        if (statuses.Count == 0)
            return ["No redis instances (create one with 'potiron redis create -n NAME')."];
        var names = string.Join(", ", statuses.Select(s => s.Instance.Name));
        if (statuses.All(s => s.State == RedisInstanceState.Down))
            return [$"All redis instances stopped: {names}"];
        var lines = statuses.Select(StatusLine).ToList();
        if (statuses.All(s => s.State == RedisInstanceState.Running))
            lines.Add($"All redis instances running: {names}");
        return lines;
    }

    public static string StatusLine(RedisInstanceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var instance = status.Instance;
        return status.State switch
        {
            RedisInstanceState.Running => $"{instance.Name}: running (socket {instance.SocketPath})",
            RedisInstanceState.NotAnswering => $"{instance.Name}: not answering (socket {instance.SocketPath}): {status.Detail}",
            _ => $"{instance.Name}: down",
        };
    }
}
