using System.Globalization;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis.Records;
using Potiron.Fast.Redis.Resp;

namespace Potiron.Fast.Redis;

/// <summary>How forgetting one file ended.</summary>
public enum ForgetOutcome
{
    /// <summary>
    /// Its counts, its <c>FILES</c> entry and its record are gone; so are the days and protocol names of which nothing
    /// remains.
    /// </summary>
    Forgotten,
    /// <summary>Its basename is not in <c>FILES</c>.</summary>
    NotImported,
    /// <summary>In <c>FILES</c> without a record (the original potiron's import, or one without <c>--records</c>): nothing written.</summary>
    NoRecord,
}

/// <param name="DaysDropped">Days removed from <c>{sensor}_DAYS</c> because nothing of them remained.</param>
public sealed record ForgetResult(string FileName, ForgetOutcome Outcome, string? Sensor = null, long Members = 0, IReadOnlyList<string>? DaysDropped = null);

/// <summary>
/// <c>potiron forget</c>: takes files' contributions back out of the store, each exactly as its record says, so that the
/// store ends as if the file had never been imported (<see cref="StreamedForget"/>, then <see cref="ProtocolsCleanup"/> and
/// <see cref="SensorDaysCleanup"/>).
/// </summary>
/// <remarks>
/// A lost connection is not retried here (unlike a commit, a forget is a rare, interactive operation): the file's
/// transaction is all or nothing, so running the same forget again finishes the job.
/// </remarks>
public sealed class FileForgetter(PotironStoreConnection connection) : IDisposable
{
    /// <summary>Transactions aborted by other processes' commits, in a row, before a file is given up.</summary>
    private const int MaximumWatchConflicts = 100;

    private RespConnection? resp;

    /// <summary>Tests only: runs between the WATCH round trip and MULTI of each attempt.</summary>
    internal Action? BetweenWatchAndMulti { get; init; }

    /// <summary>Forgets one file, named by its basename (a path is reduced to it, as <c>FILES</c> holds basenames).</summary>
    public async Task<ForgetResult> ForgetAsync(string file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var fileName = Path.GetFileName(file);
        resp ??= await RespConnection.ConnectAsync(connection.Options, cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var forget = new StreamedForget(resp, fileName) { BetweenWatchAndMulti = BetweenWatchAndMulti };
                var outcome = await Task.Run(forget.Run, CancellationToken.None).ConfigureAwait(false);
                if (outcome == ForgetAttempt.NotImported)
                    return new ForgetResult(fileName, ForgetOutcome.NotImported);
                if (outcome == ForgetAttempt.Forgotten)
                {
                    var header = forget.Forgotten!;
                    var dropped = await Task.Run(() =>
                    {
                        ProtocolsCleanup.Run(resp, header.Protocols);
                        return SensorDaysCleanup.Run(resp, header.Sensor, header.AllDays.ToList(), header.Keys.Select(k => k.Key));
                    }, CancellationToken.None).ConfigureAwait(false);
                    return new ForgetResult(fileName, ForgetOutcome.Forgotten, header.Sensor, header.Keys.Sum(k => k.Members), dropped);
                }
                if (attempt == MaximumWatchConflicts)
                {
                    throw new SinkConfigurationException(string.Create(CultureInfo.InvariantCulture,
                        $"{PotironKeys.Files} at {connection.Endpoint} changed during each of {attempt} attempts to forget {fileName}; nothing of it removed."));
                }
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (FileRecordMissingException)
        {
            return new ForgetResult(fileName, ForgetOutcome.NoRecord);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or RespServerException or TransactionPartlyAppliedException or FileRecordFormatException)
        {
            // Whatever was half sent dies with the socket: the server drops a MULTI without its EXEC.
            resp.Dispose();
            resp = null;
            throw new SinkConfigurationException($"forgetting {fileName} at {connection.Endpoint}: {e.Message}");
        }
    }

    public void Dispose() => resp?.Dispose();
}
