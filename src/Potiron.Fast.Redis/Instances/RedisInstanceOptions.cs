namespace Potiron.Fast.Redis.Instances;

/// <summary>How <see cref="ManagedRedisInstances"/> starts and waits for its servers.</summary>
public sealed record RedisInstanceOptions
{
    /// <summary>The redis-server executable; null looks for <c>redis-server</c> on <c>PATH</c>.</summary>
    public string? RedisServerPath { get; init; }

    /// <summary>How long start, stop and delete wait for the instances to reach the state (and for another command's lock).</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between two PINGs while waiting.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time allowed for one PING (connect and reply) before the instance counts as not answering.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
