namespace Potiron.Fast.Redis.Instances;

/// <summary>What the instance's socket says.</summary>
public enum RedisInstanceState
{
    /// <summary>No socket file, or nothing listens on it (a server that was killed leaves the file behind).</summary>
    Down,

    /// <summary>The socket answers PING with PONG.</summary>
    Running,

    /// <summary>
    /// Something accepts connections on the socket but does not answer PONG in time: a server still loading its data
    /// (<c>LOADING</c>), one busy with a long command, or a socket this user may not open. Never started over.
    /// </summary>
    NotAnswering,
}

/// <summary>The state of one instance, with the server's reply or the socket error when it is <see cref="RedisInstanceState.NotAnswering"/>.</summary>
public sealed record RedisInstanceStatus(RedisInstance Instance, RedisInstanceState State, string? Detail = null);

/// <summary>What one action did to one instance; <see cref="Message"/> says why when it did not succeed.</summary>
public sealed record RedisInstanceOutcome(RedisInstance Instance, bool Succeeded, string? Message = null)
{
    public static RedisInstanceOutcome Done(RedisInstance instance, string? message = null) => new(instance, true, message);

    public static RedisInstanceOutcome Failed(RedisInstance instance, string message) => new(instance, false, message);
}
