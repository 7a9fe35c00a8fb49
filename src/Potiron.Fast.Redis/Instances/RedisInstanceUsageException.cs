namespace Potiron.Fast.Redis.Instances;

/// <summary>
/// A problem with what was asked, found before any instance is touched: a bad or unknown name, no redis-server, a root
/// whose socket paths are too long, an unreadable instance list. One line, meant for the user as it is (exit code 2).
/// </summary>
public sealed class RedisInstanceUsageException(string message) : Exception(message);
