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
public sealed class IngestPipeline(IngestOptions options, ICountSink sink, IIngestProgress? progress = null)
{
    public async Task<IngestResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var inputs = CaptureInputs.Expand(options.Inputs, out var inputErrors);
        // Like the original, a run with nothing to read leaves the store untouched (no PARAMETERS written).
        if (inputs.Count > 0)
            await sink.OpenAsync(options.Parameters, cancellationToken).ConfigureAwait(false);

        var results = new FileResult?[inputs.Count];
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

        var workers = new ConcurrentBag<IngestWorker>();
        if (work.Count < options.Workers && options.Workers > 1)
        {
            // Fewer files than cores: each file is read once and decoded on every core.
            var split = new SplitFileIngest(options, options.Workers);
            foreach (var index in work)
            {
                results[index] = await IngestFileAsync(split.Merged, input => split.Read(input, progress), inputs[index], cancellationToken).ConfigureAwait(false);
                progress?.FileFinished(results[index]!);
            }
            foreach (var worker in split.Workers)
                workers.Add(worker);
        }
        else
        {
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, options.Workers),
                CancellationToken = cancellationToken,
            };
            await Parallel.ForEachAsync(work, parallel, async (index, token) =>
            {
                if (!workers.TryTake(out var worker))
                    worker = new IngestWorker(options);
                try
                {
                    results[index] = await IngestFileAsync(worker, input => worker.Read(input, progress), inputs[index], token).ConfigureAwait(false);
                    progress?.FileFinished(results[index]!);
                }
                finally
                {
                    workers.Add(worker);
                }
            }).ConfigureAwait(false);
        }

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
            Files = results.Select(r => r!).ToArray(),
            InputErrors = inputErrors,
            Elapsed = clock.Elapsed,
            DecodeEvents = events.NonZero().ToDictionary(),
            PacketsWithoutTimestamp = withoutTimestamp,
            PacketsOutOfCalendar = outOfCalendar,
        };
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

    private async Task<FileResult> IngestFileAsync(IngestWorker worker, Func<CaptureInput, ReadSummary> readFile, CaptureInput input, CancellationToken token)
    {
        var name = NameOf(input);
        if (await sink.IsImportedAsync(name.FileName, token).ConfigureAwait(false))
            return Skipped(input, name, $"Filename {input.DisplayName} was already imported ... skip ...");
        progress?.FileStarted(input.DisplayName);

        var read = await Task.Run(() => readFile(input), token).ConfigureAwait(false);
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

        var counts = worker.Tables.ToFileCounts(name);
        bool committed;
        try
        {
            committed = await sink.CommitAsync(counts, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            notes.Add($"not committed: {e.Message}");
            return new FileResult
            {
                Path = input.DisplayName, FileName = name.FileName, Sensor = name.Sensor,
                Outcome = FileOutcome.Failed, Problem = read.Problem, Warnings = read.Warnings, Notes = notes,
                Bytes = read.Bytes, Packets = read.Packets, PacketsCounted = read.Counted,
            };
        }
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
