namespace Potiron.Fast.Redis.Instances;

/// <summary>
/// One managed redis-server: its folder <c>redis_backends/NAME/</c> and the files in it, all as absolute paths.
/// The folder holds the config, the unix socket while the server runs, its log, pid file, RDB snapshot and append-only
/// files (Redis 7 puts these in <c>appendonlydir/</c>).
/// </summary>
public sealed record RedisInstance
{
    /// <summary>Linux's <c>sun_path</c> holds 108 bytes with the closing NUL; longer paths cannot be bound or reached.</summary>
    public const int MaximumSocketPathBytes = 107;

    internal RedisInstance(string name, string backendsFolder)
    {
        Name = name;
        Folder = Path.Combine(backendsFolder, name);
    }

    public string Name { get; }

    public string Folder { get; }

    public string ConfigPath => Path.Combine(Folder, Name + ".conf");

    /// <summary>The path to give <c>potiron ingest -u</c>.</summary>
    public string SocketPath => Path.Combine(Folder, Name + ".sock");

    public string LogPath => Path.Combine(Folder, Name + ".log");

    public string PidPath => Path.Combine(Folder, Name + ".pid");

    internal void ThrowIfSocketPathTooLong()
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(SocketPath);
        if (length > MaximumSocketPathBytes)
        {
            throw new RedisInstanceUsageException(
                $"The socket path {SocketPath} is {length} bytes long; a unix socket path holds at most {MaximumSocketPathBytes}. " +
                "Choose a shorter --root (or instance name).");
        }
    }
}
