using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Globalization;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis.Records;
using Potiron.Fast.Redis.Resp;
using StackExchange.Redis;

namespace Potiron.Fast.Redis;

/// <summary>Tuning and reporting of a <see cref="RedisCountSink"/>.</summary>
public sealed record RedisCountSinkOptions
{
    /// <summary>
    /// Commits on the wire at once, each on a connection of its own (a commit streams from one 64 KiB buffer, so this
    /// bounds connections, not memory); callers wait for a slot.
    /// </summary>
    public int MaxConcurrentCommits { get; init; } = 2;

    /// <summary>
    /// Writes the members of a key that does not exist yet with variadic ZADD (one command per 512 members) instead of
    /// one ZINCRBY each. Both are exact; ZADD is cheaper for the server. False: ZINCRBY for every member (benchmarks).
    /// </summary>
    public bool AddNewKeysWithZadd { get; init; } = true;

    /// <summary>
    /// Writes each file's record (<see cref="PotironKeys.FileRecord"/>) with its counts, so that it can later be
    /// re-imported (<see cref="RedisCountSink.ReplaceAsync"/>) or forgotten (<see cref="FileForgetter"/>). Off by default
    /// (<c>--records</c> turns it on): the store then holds exactly the original potiron's keys, byte for byte.
    /// </summary>
    public bool WriteRecords { get; init; }

    /// <summary>
    /// Tests only: runs on the commit's thread between the WATCH round trip and MULTI, where another process's write
    /// makes EXEC abort.
    /// </summary>
    internal Action? BetweenWatchAndMulti { get; init; }

    public ParameterCheckOptions ParameterCheck { get; init; } = new();

    /// <summary>
    /// Receives each notice as it happens: the lines of the parameter check (the ones the original prints), a lost
    /// connection and its return.
    /// </summary>
    public Action<string>? Notice { get; init; }

    /// <summary>
    /// How long the sink keeps retrying, counted from the moment the store stopped answering (a dropped connection, a
    /// restarting server, one still loading its data), before a command fails and its file with it. Zero: no retry.
    /// Once an outage has lasted this long, each later command gets one attempt until one succeeds again, so a store
    /// that is gone for good fails the remaining files quickly instead of waiting this long for each one.
    /// </summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait before a retry; it doubles after each failed attempt, up to <see cref="MaximumRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaximumRetryDelay { get; init; } = TimeSpan.FromSeconds(4);
}

/// <summary>
/// Writes each file's counts into potiron's standard-format keys (reference §3.3 step 5, §14.A): one MULTI/EXEC per file
/// that adds the basename to <c>FILES</c>, the filename day and packet days to <c>{sensor}_DAYS</c>, the protocol names
/// to <c>PROTOCOLS</c>, then every member's count, guarded by "<c>FILES</c> does not contain this basename".
/// </summary>
/// <remarks>
/// <para>
/// Atomicity: the commit (<see cref="StreamedCommit"/>) watches <c>FILES</c> and the file's count keys, checks the basename,
/// then streams MULTI, the commands and EXEC. If another process changed a watched key in between (it imported this
/// file, or any other), EXEC returns nil and nothing is written; the sink then looks the basename up and sends the
/// transaction again while it is absent, so a commit aborted by another file's commit is not mistaken for "imported
/// meanwhile". If this process dies or loses the connection before EXEC arrives, the server discards the queue. So a
/// file's counts and its <c>FILES</c> entry become visible together or not at all, and two runs over the same file count
/// it once (§13 #17).
/// </para>
/// <para>
/// Retries: a command that fails because the connection dropped, the server restarted or is still loading its data is
/// sent again with exponential back-off for <see cref="RedisCountSinkOptions.RetryFor"/>. Sending a commit again is safe
/// whatever became of the first attempt: if its EXEC was applied before the answer was lost, the retry's guard finds the
/// basename in <c>FILES</c> and writes nothing (<see cref="CommitAsync"/> returns false), so a file is never counted twice.
/// </para>
/// <para>
/// Memory: the commit streams the members from the count tables through one buffer on a plain connection of its own
/// (<see cref="RespConnection"/>): StackExchange.Redis, which serves every other command, builds a whole transaction as
/// objects before sending it (about 700 bytes per member). The server still holds the queued transaction until EXEC, as
/// it must for atomicity.
/// </para>
/// <para>
/// Redis Cluster (not built): MULTI/EXEC cannot span hash slots. The plan: (1) write each file's increments into staging
/// zsets named <c>{&lt;target key&gt;}:potiron:stage:&lt;commit id&gt;</c>, whose hash tag is the whole target key, so each staging
/// key lives in its target's slot (bounded pipelined batches of variadic ZADD, with an expiry); (2) the commit point: one
/// transaction in <c>FILES</c>'s slot, guarded as now, that adds the basename and records the commit id and its staging
/// keys in a journal; (3) per slot, one MULTI/EXEC that folds that slot's staging keys into their targets (per-member
/// ZINCRBY: ZUNIONSTORE would cost the whole target set) and deletes them, so a fold runs at most once; (4) drop the
/// journal entry. A crash before (2) leaves only expiring staging keys and the file is imported again; after (2), the
/// next run finishes the journal's folds. Counts then appear slot by slot, but never twice and never lost.
/// </para>
/// </remarks>
public sealed class RedisCountSink : ICountSink
{
    /// <summary>Transactions aborted by other processes' commits, in a row, before a file is given up.</summary>
    private const int MaximumWatchConflicts = 100;

    private readonly PotironStoreConnection connection;
    private readonly RedisCountSinkOptions options;
    private readonly SemaphoreSlim commitSlots;
    private readonly ConcurrentBag<RespConnection> idleConnections = [];
    private long countCommandsSent;
    private long membersSent;
    /// <summary>Stopwatch timestamp of the first failure of the current outage; 0 while the store answers.</summary>
    private long outageStarted;

    public RedisCountSink(PotironStoreConnection connection, RedisCountSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        this.connection = connection;
        this.options = options ?? new RedisCountSinkOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.MaxConcurrentCommits, 1, nameof(options));
        commitSlots = new SemaphoreSlim(this.options.MaxConcurrentCommits, this.options.MaxConcurrentCommits);
    }

    /// <summary>ZINCRBY and ZADD commands of the committed transactions (for "commands per distinct value").</summary>
    public long CountCommandsSent => Interlocked.Read(ref countCommandsSent);

    /// <summary>Members of the committed transactions.</summary>
    public long MembersSent => Interlocked.Read(ref membersSent);

    /// <summary>The outcome of the parameter check of <see cref="OpenAsync"/>, with its notices; null before.</summary>
    public ParameterCheckResult? ParameterCheckResult { get; private set; }

    public async ValueTask OpenAsync(RunParameters parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var potironParameters = PotironParameters.Create(parameters);
        try
        {
            ParameterCheckResult = await ParameterCheck.CheckOrStoreAsync(connection.Database, potironParameters,
                options.ParameterCheck, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw connection.Failure("checking PARAMETERS", e);
        }
        if (options.Notice is { } notice)
        {
            foreach (var line in ParameterCheckResult.Notices)
                notice(line);
        }
    }

    public async ValueTask<bool> IsImportedAsync(string fileName, CancellationToken cancellationToken)
    {
        var doing = $"looking up {fileName} in {PotironKeys.Files}";
        try
        {
            return await WithRetriesAsync(
                () => connection.Database.SetContainsAsync(PotironKeys.Files, fileName).WaitAsync(cancellationToken),
                doing, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Failure(doing, e);
        }
    }

    public async ValueTask<bool> CommitAsync(FileCounts counts, CancellationToken cancellationToken)
    {
        var (committed, _) = await CommitOrReplaceAsync(counts, replace: false, cancellationToken).ConfigureAwait(false);
        return committed;
    }

    /// <summary>
    /// <inheritdoc/> A replaced file's days of which nothing remains are then dropped from <c>{sensor}_DAYS</c>
    /// (<see cref="SensorDaysCleanup"/>). Sending it again after a lost answer is safe: replacing with the same content
    /// twice ends in the same store.
    /// </summary>
    public async ValueTask<bool> ReplaceAsync(FileCounts counts, CancellationToken cancellationToken)
    {
        var (_, replaced) = await CommitOrReplaceAsync(counts, replace: true, cancellationToken).ConfigureAwait(false);
        return replaced;
    }

    private async ValueTask<(bool Committed, bool Replaced)> CommitOrReplaceAsync(FileCounts counts, bool replace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        await commitSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var doing = $"committing {counts.FileName} (it is either fully written or not at all; FILES tells which)";
        var attempts = 0;
        try
        {
            // Nothing reaches the server before ExecuteAsync: cancelling up to here leaves no trace. Once sent, the
            // transaction is not cancellable; it completes or fails whole.
            cancellationToken.ThrowIfCancellationRequested();
            var result = await WithRetriesAsync(() =>
            {
                attempts++;
                return CommitGuardedAsync(counts, replace);
            }, doing, cancellationToken).ConfigureAwait(false);
            if (!result.Committed && attempts > 1 && options.Notice is { } notice)
            {
                notice($"{counts.FileName}: already in {PotironKeys.Files} when its commit was sent again: the attempt whose " +
                       "answer was lost went through (or another process imported it meanwhile); counted once");
            }
            return result;
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Failure(doing, e);
        }
        finally
        {
            commitSlots.Release();
        }
    }

    /// <summary>
    /// Commits the file unless <c>FILES</c> holds it (and it is not being replaced); false when it does. A transaction
    /// that did not run is not proof of that: WATCH watches the whole <c>FILES</c> set, so another process committing
    /// another file between our WATCH and our EXEC aborts ours too. So after an abort the basename is looked up, and the
    /// transaction sent again while it is absent (a replacement is always sent again). Each abort means another commit
    /// went through, so this ends; the bound only guards against a store that changes <c>FILES</c> without end.
    /// </summary>
    private async Task<(bool Committed, bool Replaced)> CommitGuardedAsync(FileCounts counts, bool replace)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (committed, replaced) = await CommitOnceAsync(counts, replace).ConfigureAwait(false);
            if (committed)
                return (true, replaced);
            if (!replace && await connection.Database.SetContainsAsync(PotironKeys.Files, counts.FileName).ConfigureAwait(false))
                return (false, false);
            if (attempt == MaximumWatchConflicts)
            {
                throw new SinkConfigurationException(string.Create(CultureInfo.InvariantCulture,
                    $"{PotironKeys.Files} at {connection.Endpoint} changed during each of {attempt} attempts to commit {counts.FileName}; it is not committed, a re-run imports it."));
            }
            // Let the other committer finish its burst before trying again.
            await Task.Delay(Random.Shared.Next(1, 10 * attempt)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One guarded transaction of the whole file; false when it did not run (the guard, or a watched key changed). After
    /// a replacement, the days and protocol names of the old content that the new one lacks are dropped if nothing of them
    /// remains.
    /// </summary>
    private async Task<(bool Committed, bool Replaced)> CommitOnceAsync(FileCounts counts, bool replace)
    {
        if (!idleConnections.TryTake(out var resp))
            resp = await RespConnection.ConnectAsync(connection.Options, CancellationToken.None).ConfigureAwait(false);
        CommitAttempt attempt;
        var commit = new StreamedCommit(resp, counts, options.AddNewKeysWithZadd, options.WriteRecords || replace, replace) { BetweenWatchAndMulti = options.BetweenWatchAndMulti };
        try
        {
            // The stream is written synchronously from the count tables: off the caller's thread.
            attempt = await Task.Run(commit.Run).ConfigureAwait(false);
            if (commit.Replaced is { } old)
            {
                await Task.Run(() =>
                {
                    ProtocolsCleanup.Run(resp, old.Protocols.Except(counts.Protocols, StringComparer.Ordinal).ToList());
                    SensorDaysCleanup.Run(resp, old.Sensor, DaysLeftBehind(old, counts), old.Keys.Select(k => k.Key));
                }).ConfigureAwait(false);
            }
        }
        catch
        {
            // Whatever was half sent dies with the socket: the server drops a MULTI without its EXEC.
            resp.Dispose();
            throw;
        }
        idleConnections.Add(resp);
        if (attempt != CommitAttempt.Committed)
            return (false, false);
        Interlocked.Add(ref countCommandsSent, commit.CountCommands);
        Interlocked.Add(ref membersSent, counts.MemberCount);
        return (true, commit.Replaced is not null);
    }

    /// <summary>The days the replaced content put into its sensor's <c>{sensor}_DAYS</c> that the new content does not.</summary>
    private static List<string> DaysLeftBehind(FileRecordHeader old, FileCounts counts)
    {
        var kept = old.Sensor == counts.Sensor ? StreamedCommit.DayMembers(counts).ToHashSet(StringComparer.Ordinal) : [];
        return old.AllDays.Where(d => !kept.Contains(d)).ToList();
    }

    /// <summary>
    /// Runs <paramref name="operation"/>, and again after a growing pause while it fails because the store is out of
    /// reach, until the outage has lasted <see cref="RedisCountSinkOptions.RetryFor"/>; then the last failure is thrown.
    /// </summary>
    private async Task<T> WithRetriesAsync<T>(Func<Task<T>> operation, string doing, CancellationToken cancellationToken)
    {
        var delay = options.FirstRetryDelay;
        while (true)
        {
            try
            {
                var result = await operation().ConfigureAwait(false);
                var ended = Interlocked.Exchange(ref outageStarted, 0);
                if (ended != 0 && options.Notice is { } notice)
                    notice(string.Create(CultureInfo.InvariantCulture, $"Redis at {connection.Endpoint} answers again after {Stopwatch.GetElapsedTime(ended).TotalSeconds:0.0} s."));
                return result;
            }
            catch (Exception e) when (IsTransient(e))
            {
                var now = Stopwatch.GetTimestamp();
                var started = Interlocked.CompareExchange(ref outageStarted, now, 0);
                if (started == 0)
                {
                    started = now;
                    if (options.RetryFor > TimeSpan.Zero && options.Notice is { } notice)
                    {
                        notice(string.Create(CultureInfo.InvariantCulture,
                            $"Lost Redis at {connection.Endpoint} while {doing}: {Cause(e)}; retrying for up to {options.RetryFor.TotalSeconds:0.#} s."));
                    }
                }
                if (Stopwatch.GetElapsedTime(started) + delay > options.RetryFor)
                    throw;
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaximumRetryDelay.Ticks));
            }
        }
    }

    /// <summary>A failure of the store or of the way to it, reported as one line; anything else is a bug and propagates.</summary>
    private static bool IsStoreFailure(Exception e) =>
        e is RedisException or TimeoutException or IOException or SocketException or RespServerException or TransactionPartlyAppliedException
            or FileRecordFormatException;

    /// <summary>
    /// A failure that a later attempt may not meet: the connection is gone or being re-established, the answer did not
    /// come, or a restarted server is still loading its data. Refused credentials and command errors are not retried.
    /// </summary>
    private static bool IsTransient(Exception e) => e switch
    {
        RedisConnectionException connectionFailure => connectionFailure.FailureType != ConnectionFailureType.AuthenticationFailure,
        RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal),
        RespServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal),
        // The commit's own connection: the socket failed, timed out or was closed by the server.
        IOException or SocketException => true,
        _ => false,
    };

    /// <summary>
    /// One line for the user: what failed, a short cause (StackExchange.Redis's messages carry a long diagnostic tail), and
    /// for an outage how long it had lasted when the sink gave up.
    /// </summary>
    private SinkConfigurationException Failure(string doing, Exception e)
    {
        if (!IsTransient(e))
            return connection.Failure(doing, e);
        var started = Interlocked.Read(ref outageStarted);
        var since = started == 0 || options.RetryFor <= TimeSpan.Zero
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $"; still failing {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s after the store stopped answering");
        return new SinkConfigurationException($"Lost the connection to Redis at {connection.Endpoint} while {doing}: {Cause(e)}{since}.");
    }

    /// <summary>A few words for the cause; the client's own messages end in a long diagnostic dump.</summary>
    private static string Cause(Exception e) => e switch
    {
        RedisConnectionException connectionFailure => (connectionFailure.FailureType switch
        {
            ConnectionFailureType.SocketClosed or ConnectionFailureType.ConnectionDisposed => "the connection was closed",
            ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection => "cannot connect",
            var other => other.ToString(),
        }) + (SocketErrorOf(e) is { } socket ? $" ({socket})" : ""),
        RedisTimeoutException or TimeoutException => "no answer in time",
        RedisServerException or RespServerException => "the server is still loading its data",
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } } => "no answer in time",
        IOException or SocketException when SocketErrorOf(e) is null => FirstLine(e.Message),
        IOException or SocketException => SocketErrorOf(e)!,
        _ => FirstLine(e.Message),
    };

    private static string? SocketErrorOf(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException socket)
                return socket.Message;
        }
        return null;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>The sink does not own the store connection (the caller disposes it after the sink); its commit connections it does.</summary>
    public ValueTask DisposeAsync()
    {
        while (idleConnections.TryTake(out var resp))
            resp.Dispose();
        commitSlots.Dispose();
        return ValueTask.CompletedTask;
    }
}
