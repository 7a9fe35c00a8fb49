using Potiron.Fast.Redis;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// What the exactly-once tests share: the <see cref="KillCaptures"/> in a temporary folder, a restartable redis-server with
/// persistence, and the reference: the database after one clean uninterrupted <c>potiron ingest</c> of those captures.
/// </summary>
public sealed class ExactlyOnceFixture : IAsyncLifetime
{
    public const int FileCount = 40;
    public const int PacketsPerFile = 10_000;

    private readonly TempFolder folder = new();
    private RestartableRedisServer? redis;
    private CanonicalDump? clean;

    public string Captures => Path.Combine(folder.Path, "captures");

    /// <summary>A scratch folder of the fixture (data folders, working folders).</summary>
    public string Scratch => folder.Path;

    internal RestartableRedisServer Redis => redis ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The database after one clean run.</summary>
    public CanonicalDump Clean => clean ?? throw new InvalidOperationException("The fixture is not initialised.");

    public string[] RedisIngest => ["ingest", "-i", Captures, "-u", Redis.SocketPath];

    public string[] EmbeddedIngest(string dataDirectory) => ["ingest", "-i", Captures, "--data-dir", dataDirectory];

    public async ValueTask InitializeAsync()
    {
        KillCaptures.WriteTo(Captures, FileCount, PacketsPerFile);
        redis = await RestartableRedisServer.StartAsync();
        var run = await PotironProcess.RunAsync(RedisIngest, workingDirectory: Scratch, timeout: WatchedProcess.Patience);
        if (run.ExitCode != 0 || !run.StandardOutput.Contains($"({FileCount} imported, 0 skipped, 0 failed, 0 damaged)", StringComparison.Ordinal))
            throw new InvalidOperationException("The clean reference run failed:\n" + run);
        clean = await redis.DumpAsync();
        await redis.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (redis is not null)
            await redis.DisposeAsync();
        folder.Dispose();
    }

    /// <summary>Files of the embedded base store (every fourth capture), committed and checkpointed before any kill.</summary>
    public const int BaseFileCount = FileCount / 4;

    private Task<string>? embeddedBase;

    /// <summary>
    /// A new embedded data folder that already holds every fourth capture, imported and checkpointed by a clean run
    /// (made once, then copied): a kill must never lose what a checkpoint holds, and the next run skips those files.
    /// </summary>
    public async Task<string> NewEmbeddedStoreAsync()
    {
        var template = await (embeddedBase ??= MakeEmbeddedBaseAsync());
        var copy = Path.Combine(Scratch, "data-" + Guid.NewGuid().ToString("N")[..8]);
        CopyFolder(template, copy);
        return copy;
    }

    private async Task<string> MakeEmbeddedBaseAsync()
    {
        var dataDirectory = Path.Combine(Scratch, "embedded-base");
        var inputs = Enumerable.Range(0, FileCount).Where(i => i % 4 == 0).Select(i => Path.Combine(Captures, KillCaptures.NameOf(i)));
        var run = await PotironProcess.RunAsync(["ingest", "-i", .. inputs, "--data-dir", dataDirectory], workingDirectory: Scratch, timeout: WatchedProcess.Patience);
        if (run.ExitCode != 0 || !run.StandardOutput.Contains($"({BaseFileCount} imported, 0 skipped", StringComparison.Ordinal))
            throw new InvalidOperationException("The embedded base run failed:\n" + run);
        return dataDirectory;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Fails unless <paramref name="actual"/> is the clean run's database, byte for byte in canonical form.</summary>
    public void AssertClean(CanonicalDump actual, string context)
    {
        var comparison = CanonicalDump.Compare(Clean, actual);
        Assert.True(comparison.Identical, $"{comparison}\n{context}");
        Assert.True(Clean.Render() == actual.Render(), $"the canonical dumps differ in their text\n{context}");
    }

    /// <summary>The embedded store of <paramref name="dataDirectory"/>, read from this process once no potiron holds it.</summary>
    public static async Task<CanonicalDump> DumpEmbeddedAsync(string dataDirectory)
    {
        await using var store = await EmbeddedGarnetStore.StartAsync(new EmbeddedStoreOptions { DataDirectory = dataDirectory }, TestContext.Current.CancellationToken);
        await using var connection = await PotironStoreConnection.ConnectAsync(store.ConnectionOptions, TestContext.Current.CancellationToken);
        return await CanonicalDump.ReadAsync(connection.Multiplexer);
    }
}

/// <summary>The exactly-once classes run one after the other (each one loads both cores) and share one fixture.</summary>
[CollectionDefinition(Name)]
public sealed class ExactlyOnceCollection : ICollectionFixture<ExactlyOnceFixture>
{
    public const string Name = "exactly once";
}
