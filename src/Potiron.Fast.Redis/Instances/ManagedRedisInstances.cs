namespace Potiron.Fast.Redis.Instances;

/// <summary>
/// The redis-server instances under <c>ROOT/redis_backends/</c>, as the original's <c>bin/run_redis.py</c> and
/// <c>bin/manage_redis.py</c> keep them: a list of names (<c>backends.json</c>, <c>standard</c> and <c>isn</c> until it
/// is first written), and per name a folder with its config, socket, log and data. Start, stop, status, create, delete,
/// flush; each waits for the state it asked for, polling PING, for a bounded time.
/// </summary>
/// <remarks>
/// Nothing is written until an action needs it: <see cref="GetStatusAsync"/> on an empty folder reports the two default
/// instances as down, and the first start, create or delete writes the list and their configs. Start, stop, create and
/// delete hold a lock on <c>redis_backends/manage.lock</c> so that two commands never launch two servers on one folder
/// or lose a name from the list.
/// </remarks>
public sealed partial class ManagedRedisInstances
{
    public const string BackendsFolderName = "redis_backends";

    private const string LockFileName = "manage.lock";

    private readonly RedisInstanceOptions options;
    private List<string> names;
    private bool listWritten;

    private ManagedRedisInstances(string root, RedisInstanceOptions options)
    {
        Root = root;
        BackendsFolder = Path.Combine(root, BackendsFolderName);
        this.options = options;
        var listed = RedisInstanceList.TryRead(BackendsFolder);
        listWritten = listed is not null;
        names = [.. listed ?? RedisInstanceList.Defaults];
    }

    /// <summary>The folder that holds <c>redis_backends/</c> (absolute).</summary>
    public string Root { get; }

    public string BackendsFolder { get; }

    /// <summary>The instance names, in the list's order.</summary>
    public IReadOnlyList<string> Names => names;

    /// <summary>Reads the list under <paramref name="root"/> (relative paths are taken from the current directory).</summary>
    public static ManagedRedisInstances Open(string root, RedisInstanceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        return new ManagedRedisInstances(Path.GetFullPath(root), options ?? new RedisInstanceOptions());
    }

    /// <summary>
    /// The instances named (each once, in the order given), or every listed one when <paramref name="requested"/> is
    /// empty. Throws <see cref="RedisInstanceUsageException"/> for a bad or unknown name.
    /// </summary>
    public IReadOnlyList<RedisInstance> Resolve(IReadOnlyCollection<string>? requested)
    {
        if (requested is null || requested.Count == 0)
            return [.. names.Select(Instance)];
        foreach (var name in requested)
            RedisInstanceName.Validate(name);
        var unknown = requested.Where(n => !names.Contains(n, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new RedisInstanceUsageException(
                $"No instance named {string.Join(", ", unknown)} in {BackendsFolder} (there are: {(names.Count == 0 ? "none" : string.Join(", ", names))}); " +
                $"create it with 'potiron redis create -n {unknown[0]}'.");
        }
        return [.. requested.Distinct(StringComparer.Ordinal).Select(Instance)];
    }

    /// <summary>The instance of a name, listed or not (its paths only; nothing is checked or written).</summary>
    public RedisInstance Instance(string name)
    {
        RedisInstanceName.Validate(name);
        return new RedisInstance(name, BackendsFolder);
    }

    public async Task<IReadOnlyList<RedisInstanceStatus>> GetStatusAsync(IReadOnlyList<RedisInstance> instances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        return await Task.WhenAll(instances.Select(i => ProbeAsync(i, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the names to the list and writes their folders and configs; a name already listed keeps its files (a missing
    /// config is written again) and is reported as existing. Every name is checked before anything is written.
    /// </summary>
    public async Task<IReadOnlyList<RedisInstanceOutcome>> CreateAsync(IReadOnlyCollection<string> requested, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (requested.Count == 0)
            throw new RedisInstanceUsageException("Name the instances to create with -n NAME.");
        var instances = requested.Distinct(StringComparer.Ordinal).Select(Instance).ToList();
        foreach (var instance in instances)
            instance.ThrowIfSocketPathTooLong();

        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        WriteListIfMissing();
        var outcomes = new List<RedisInstanceOutcome>();
        foreach (var instance in instances)
        {
            var exists = names.Contains(instance.Name, StringComparer.Ordinal);
            if (!File.Exists(instance.ConfigPath))
                RedisInstanceConfig.Write(instance);
            if (!exists)
            {
                names.Add(instance.Name);
                RedisInstanceList.Write(BackendsFolder, names);
            }
            outcomes.Add(RedisInstanceOutcome.Done(instance, exists ? "already exists" : null));
        }
        return outcomes;
    }

    /// <summary>
    /// Stops each instance if it runs (without saving: its data goes), removes its folder with everything in it, and
    /// takes it off the list. An instance that will not stop is left as it is.
    /// </summary>
    public async Task<IReadOnlyList<RedisInstanceOutcome>> DeleteAsync(IReadOnlyList<RedisInstance> instances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        WriteListIfMissing();
        var stopped = await Task.WhenAll(instances.Select(i => ShutdownAsync(i, save: false, waiting: null, cancellationToken))).ConfigureAwait(false);
        var outcomes = new List<RedisInstanceOutcome>();
        foreach (var stop in stopped)
        {
            var instance = stop.Instance;
            if (!stop.Succeeded)
            {
                outcomes.Add(RedisInstanceOutcome.Failed(instance, $"not deleted: {stop.Message}"));
                continue;
            }
            try
            {
                // A symbolic link put in place of the folder is removed, not followed.
                if (Directory.Exists(instance.Folder))
                    Directory.Delete(instance.Folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                outcomes.Add(RedisInstanceOutcome.Failed(instance, $"could not remove {instance.Folder}: {e.Message}"));
                continue;
            }
            names.Remove(instance.Name);
            RedisInstanceList.Write(BackendsFolder, names);
            outcomes.Add(RedisInstanceOutcome.Done(instance));
        }
        return outcomes;
    }

    /// <summary>
    /// FLUSHDB (database 0, the only one potiron uses) on each instance. A down instance is a failure, or is skipped
    /// when <paramref name="runningOnly"/> (the original's "flush all the running instances").
    /// </summary>
    public async Task<IReadOnlyList<RedisInstanceOutcome>> FlushAsync(IReadOnlyList<RedisInstance> instances, bool runningOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        return await Task.WhenAll(instances.Select(async instance =>
        {
            var reply = await RedisInstanceSocket.SendAsync(instance, ["FLUSHDB"], options.WaitTimeout, cancellationToken).ConfigureAwait(false);
            if (!reply.Connected)
            {
                return runningOnly
                    ? RedisInstanceOutcome.Done(instance, "down, skipped")
                    : RedisInstanceOutcome.Failed(instance, "is down, nothing flushed (start it first)");
            }
            return reply.Line == "+OK"
                ? RedisInstanceOutcome.Done(instance)
                : RedisInstanceOutcome.Failed(instance, $"was not flushed: {reply.Describe()}");
        })).ConfigureAwait(false);
    }

    private Task<RedisInstanceStatus> ProbeAsync(RedisInstance instance, CancellationToken cancellationToken) =>
        RedisInstanceSocket.ProbeAsync(instance, options.PingTimeout, cancellationToken);

    /// <summary>The first action that changes something writes the list (and the default instances' configs) down.</summary>
    private void WriteListIfMissing()
    {
        if (listWritten)
            return;
        foreach (var instance in names.Select(Instance))
        {
            if (!File.Exists(instance.ConfigPath))
                RedisInstanceConfig.Write(instance);
        }
        RedisInstanceList.Write(BackendsFolder, names);
        listWritten = true;
    }

    /// <summary>
    /// Takes <c>manage.lock</c> (an advisory flock the kernel drops if this process dies), waiting for another command
    /// for up to the wait timeout, then reads the list again: the other command may have changed it.
    /// </summary>
    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        RedisInstanceConfig.CreateFolder(BackendsFolder);
        var path = Path.Combine(BackendsFolder, LockFileName);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                try
                {
                    var listed = RedisInstanceList.TryRead(BackendsFolder);
                    listWritten = listed is not null;
                    names = [.. listed ?? RedisInstanceList.Defaults];
                }
                catch
                {
                    held.Dispose();
                    throw;
                }
                return held;
            }
            catch (IOException) when (started.Elapsed < options.WaitTimeout)
            {
                await Task.Delay(options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                throw new RedisInstanceUsageException(
                    $"Another 'potiron redis' command has been working on {BackendsFolder} for {options.WaitTimeout.TotalSeconds:0.#} s; try again when it is done.");
            }
        }
    }
}
