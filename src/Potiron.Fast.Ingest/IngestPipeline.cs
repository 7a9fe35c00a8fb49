using System.Collections.Concurrent;
using System.Diagnostics;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Ingest;

/// <summary>
/// The embeddable ingest: expands the inputs, reads and decodes each file on a worker (one decoder and one set
/// of count tables per worker, reused from file to file), and commits each file's counts to the sink so that a
/// file is in the store entirely or not at all. Results come back in input order.
/// </summary>
/// <remarks>
/// Cancellation stops the run gracefully instead of throwing: no new file is started, a file still being read is
/// abandoned before its commit (nothing of it written), a file whose read was done before the stop is committed (its
/// commit is not cancelled, and the sink's retries still apply), and <see cref="RunAsync"/> returns the partial result
/// with <see cref="IngestResult.Cancelled"/> set, so embedders get the stats of what was done. Running the same inputs
/// again finishes the job: the committed files are skipped.
/// </remarks>
public sealed class IngestPipeline(IngestOptions options, ICountSink sink, IIngestProgress? progress = null)
{
    private readonly SemaphoreSlim readSlots = new(Math.Max(1, options.Workers));

    public async Task<IngestResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var inputs = CaptureInputs.Expand(options.Inputs, out var inputErrors);
        var results = new FileResult?[inputs.Count];
        var workers = new ConcurrentBag<IngestWorker>();
        try
        {
            // Like the original, a run with nothing to read leaves the store untouched (no PARAMETERS written).
            if (inputs.Count > 0)
                await sink.OpenAsync(options.Parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Result(inputs, results, inputErrors, workers, clock, cancelled: true);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var work = new List<int>();
        for (var i = 0; i < inputs.Count; i++)
        {
            // The original counts a basename twice when it is given twice; here the first one wins.
            var name = NameOf(inputs[i]);
            if (!seen.Add(name.FileName))
            {
                results[i] = Skipped(inputs[i], name, "given twice in this run: counted once");
                progress?.FileFinished(results[i]!);
            }
            else
                work.Add(i);
        }

        if (work.Count < options.Workers && options.Workers == 2)
        {
            // Fewer files than the two workers: each file is read and decoded on one core and counted on the other.
            var staged = new StagedFileIngest(new IngestWorker(options) { Cancellation = cancellationToken }) { Cancellation = cancellationToken };
            foreach (var index in work)
            {
                results[index] = await IngestFileAsync(staged.Worker, input => staged.Read(input, progress), inputs[index], cancellationToken).ConfigureAwait(false);
                Report(results[index]!);
            }
            workers.Add(staged.Worker);
        }
        else if (work.Count < options.Workers && options.Workers > 2)
        {
            // Fewer files than cores: each file is read once and decoded on every core.
            var split = new SplitFileIngest(options, options.Workers) { Cancellation = cancellationToken };
            foreach (var index in work)
            {
                results[index] = await IngestFileAsync(split.Merged, input => split.Read(input, progress), inputs[index], cancellationToken).ConfigureAwait(false);
                Report(results[index]!);
            }
            foreach (var worker in split.Workers)
                workers.Add(worker);
        }
        else
        {
            // The token is not given to ForEachAsync: a cancelled run still visits every file (each one then returns at
            // once as not done), so that every input has its result and the files in flight end as described above.
            // One file more than there are read slots: while a file's commit streams into the store (the store's
            // time, not ours), the next file is already being read into another worker's tables. A sink with nothing to
            // wait for (the null sink) gets no extra file, so no extra set of tables.
            var overlap = sink.CommitWaitsOnStore ? 1 : 0;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Workers) + overlap };
            await Parallel.ForEachAsync(work, parallel, async (index, _) =>
            {
                if (!workers.TryTake(out var worker))
                    worker = new IngestWorker(options) { Cancellation = cancellationToken };
                try
                {
                    results[index] = await IngestFileAsync(worker, input => worker.Read(input, progress), inputs[index], cancellationToken).ConfigureAwait(false);
                    Report(results[index]!);
                }
                finally
                {
                    workers.Add(worker);
                }
            }).ConfigureAwait(false);
        }

        return Result(inputs, results, inputErrors, workers, clock, cancellationToken.IsCancellationRequested);
    }

    private IngestResult Result(IReadOnlyList<CaptureInput> inputs, FileResult?[] results, IReadOnlyList<string> inputErrors,
        IEnumerable<IngestWorker> workers, Stopwatch clock, bool cancelled)
    {
        var events = new DecodeEventCounts();
        long withoutTimestamp = 0, outOfCalendar = 0;
        foreach (var worker in workers)
        {
            events.MergeFrom(worker.Decoder.Events);
            withoutTimestamp += worker.PacketsWithoutTimestamp;
            outOfCalendar += worker.PacketsOutOfCalendar;
        }
        return new IngestResult
        {
            Files = results.Select((r, i) => r ?? NotStarted(inputs[i])).ToArray(),
            InputErrors = inputErrors,
            Elapsed = clock.Elapsed,
            DecodeEvents = events.NonZero().ToDictionary(),
            PacketsWithoutTimestamp = withoutTimestamp,
            PacketsOutOfCalendar = outOfCalendar,
            Cancelled = cancelled,
        };
    }

    /// <summary>
    /// Reports a file to the progress sink, except one that a cancelled run never started (<see cref="NotStarted"/>, no
    /// notes): after a stop, the stats block counts those instead of a line each.
    /// </summary>
    private void Report(FileResult result)
    {
        if (result is not { Outcome: FileOutcome.Cancelled, Notes.Count: 0 })
            progress?.FileFinished(result);
    }

    private CaptureFileName NameOf(CaptureInput input) =>
        input.IsStandardInput
            ? CaptureFileName.FromPath(options.StandardInputName, options.Sensor)
            : CaptureFileName.FromPath(input.Path, options.Sensor);

    private static FileResult Skipped(CaptureInput input, CaptureFileName name, string note) => new()
    {
        Path = input.DisplayName,
        FileName = name.FileName,
        Sensor = name.Sensor,
        Outcome = FileOutcome.AlreadyImported,
        Notes = [note],
    };

    private FileResult NotStarted(CaptureInput input)
    {
        var name = NameOf(input);
        return new FileResult { Path = input.DisplayName, FileName = name.FileName, Sensor = name.Sensor, Outcome = FileOutcome.Cancelled };
    }

    private async Task<FileResult> IngestFileAsync(IngestWorker worker, Func<CaptureInput, ReadSummary> readFile, CaptureInput input, CancellationToken token)
    {
        // -j bounds the files being read at once; a file whose read is done waits for its commit outside this bound.
        try
        {
            await readSlots.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return NotStarted(input);
        }
        var holdsSlot = true;
        try
        {
            return await IngestFileAsync(worker, readFile, input, token, () =>
            {
                readSlots.Release();
                holdsSlot = false;
            }).ConfigureAwait(false);
        }
        finally
        {
            if (holdsSlot)
                readSlots.Release();
        }
    }

    private async Task<FileResult> IngestFileAsync(IngestWorker worker, Func<CaptureInput, ReadSummary> readFile, CaptureInput input,
        CancellationToken token, Action readDone)
    {
        var name = NameOf(input);
        if (token.IsCancellationRequested)
            return NotStarted(input);
        if (name.Problem is not null)
        {
            // A sensor that would break the key layout (':', a control character): the file fails, the others go on.
            return new FileResult
            {
                Path = input.DisplayName, FileName = name.FileName, Sensor = name.Sensor,
                Outcome = FileOutcome.Failed, Notes = [name.Problem],
            };
        }
        try
        {
            // --force reads every file: the sink replaces an earlier import instead.
            if (!options.Force && await sink.IsImportedAsync(name.FileName, token).ConfigureAwait(false))
                return Skipped(input, name, $"Filename {input.DisplayName} was already imported ... skip ...");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return NotStarted(input);
        }
        catch (Exception e)
        {
            // The store went away (after the sink's own retries): this file fails, a re-run does it.
            return new FileResult
            {
                Path = input.DisplayName, FileName = name.FileName, Sensor = name.Sensor,
                Outcome = FileOutcome.Failed, Notes = [$"not read: {e.Message}"],
            };
        }
        progress?.FileStarted(input.DisplayName);

        ReadSummary read;
        try
        {
            var reading = Task.Run(() => readFile(input), token);
            // Standard input can block for good in a read that no token reaches (its writer neither writes nor closes
            // it): a stop does not wait for it. The abandoned read ends with the process (or, for an embedder, with its
            // input); its worker is not used again, since every later file of a cancelled run returns unread.
            read = await (input.IsStandardInput ? reading.WaitAsync(token) : reading).ConfigureAwait(false);
            // Only a read that was done before the stop is committed: one that ended after it may have ended because of
            // it (the Ctrl+C that reached us also reached the program writing to our standard input).
            token.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return new FileResult
            {
                Path = input.DisplayName, FileName = name.FileName, Sensor = name.Sensor,
                Outcome = FileOutcome.Cancelled, Notes = ["stopped while reading: nothing of it written, a re-run imports it"],
            };
        }
        catch (SpillFailedException e)
        {
            worker.Tables.Clear();
            return new FileResult
            {
                Path = input.DisplayName, FileName = name.FileName, Sensor = name.Sensor,
                Outcome = FileOutcome.Failed, Notes = [$"not committed: {e.Message}"],
            };
        }
        var notes = new List<string>();
        if (name.Warning is not null)
            notes.Add(name.Warning);

        // A file the reader cannot open at all (missing, permission denied) is left for a re-run. A file whose
        // content is damaged is committed with what could be read, as the original does with tshark's output.
        if (read.Problem is { Kind: CaptureProblemKind.IoError })
        {
            return new FileResult
            {
                Path = input.DisplayName, FileName = name.FileName, Sensor = name.Sensor,
                Outcome = FileOutcome.Failed, Problem = read.Problem, Warnings = read.Warnings, Notes = notes,
                Bytes = read.Bytes, Packets = read.Packets,
            };
        }

        var spills = worker.Tables.SpillCount;
        FileCounts counts;
        bool committed;
        try
        {
            counts = worker.Tables.ToFileCounts(name);
            readDone();
            // The read is done: the file is committed even when the run is being cancelled meanwhile. A commit is all or
            // nothing, so finishing it costs one transaction and spares a re-read.
            if (options.Force)
            {
                committed = true;
                if (await sink.ReplaceAsync(counts, CancellationToken.None).ConfigureAwait(false))
                    notes.Add("re-imported (--force): its earlier counts were replaced");
            }
            else
                committed = await sink.CommitAsync(counts, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            notes.Add($"not committed: {e.Message}");
            return new FileResult
            {
                Path = input.DisplayName, FileName = name.FileName, Sensor = name.Sensor,
                Outcome = FileOutcome.Failed, Problem = read.Problem, Warnings = read.Warnings, Notes = notes,
                Bytes = read.Bytes, Packets = read.Packets, PacketsCounted = read.Counted,
            };
        }
        finally
        {
            // Spilled runs are deleted as soon as the file is done with, not at the worker's next file.
            if (worker.Tables.SpillCount > 0)
                worker.Tables.Clear();
        }
        if (spills > 0)
            notes.Add($"over its share of the memory budget: counted in {spills + 1} sorted runs on disk, merged for the commit");
        if (!committed)
            return Skipped(input, name, $"Filename {input.DisplayName} was imported meanwhile ... skip ...");
        return new FileResult
        {
            Path = input.DisplayName,
            FileName = name.FileName,
            Sensor = name.Sensor,
            Outcome = read.Problem is { IsFatal: true } ? FileOutcome.ImportedDamaged : FileOutcome.Imported,
            Bytes = read.Bytes,
            Packets = read.Packets,
            PacketsCounted = read.Counted,
            Members = counts.MemberCount,
            Problem = read.Problem,
            Warnings = read.Warnings,
            Notes = notes,
        };
    }
}
