using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using Potiron.Fast.Ingest;

namespace Potiron.Fast.Cli;

/// <summary>
/// <c>potiron bench</c>: the ingest into the null sink, run a few times, its median rate reported and optionally gated
/// against an earlier result, so that a CI pipeline fails on a slowdown. Exit 0 done (and not slower than allowed),
/// 1 slower than the baseline allows, 2 usage error or an input that could not be read in full.
/// </summary>
internal static class BenchCommand
{
    public const string Name = "bench";
    private const double DefaultMaxRegressionPercent = 10;

    public static Command Create()
    {
        var files = new Argument<string[]>("FILES")
        {
            Description = "Capture files, or folders (walked recursively), read by every run.",
            Arity = ArgumentArity.OneOrMore,
        };
        var work = new IngestWorkOptions();
        var runs = new Option<int>("--runs") { Description = "Measured runs.", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Runs before the measured ones, not counted.", DefaultValueFactory = _ => 1 };
        var baseline = new Option<string?>("--baseline") { Description = "An earlier result (JSON written by potiron bench) to compare with: exit 1 when slower by more than --max-regression." };
        var maxRegression = new Option<double?>("--max-regression") { Description = "Percent by which the median packets/s may fall below the baseline's (default 10)." };
        var baselineAny = new Option<bool>("--baseline-any") { Description = "Compare even when the baseline read other files, with other options, or counted otherwise." };
        var json = new Option<bool>("--json") { Description = "Print the JSON result on standard output instead of the text summary." };
        var output = new Option<string?>("--output") { Description = "Where to write the JSON result (default: potiron-bench-<UTC time>.json in the current folder)." };

        var command = new Command(Name, "Measure the ingest (decode and count into the null sink): median packets/s and MB/s over several runs, optionally gated against a baseline.")
        {
            files, work.FieldFilter, work.CombinedKeys, work.TimeZone, work.Ipv6, work.Jobs, work.MemoryBudget, work.SpillDirectory, runs, warmup, baseline, maxRegression, baselineAny, json, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var measured = parse.GetValue(runs);
            if (measured is < 1 or > 1000)
                return Fail("--runs must be from 1 to 1000.");
            var warmups = parse.GetValue(warmup);
            if (warmups is < 0 or > 100)
                return Fail("--warmup must be from 0 to 100.");
            var baselinePath = parse.GetValue(baseline);
            var allowed = parse.GetValue(maxRegression);
            if (allowed is not null && baselinePath is null)
                return Fail("--max-regression needs --baseline.");
            if (allowed is not (null or (>= 0 and < 100)))
                return Fail("--max-regression must be a percentage from 0 to less than 100.");
            if (!work.TryCreate(parse, [], out var options, out var workError))
                return Fail(workError);
            if (!TryListFiles(parse.GetValue(files)!, out var inputs, out var benchFiles, out var inputError))
                return Fail(inputError);
            options = options with { Inputs = inputs };
            var settings = new BenchSettings
            {
                Workers = options.Workers,
                Fields = options.Parameters.Fields.TsharkFields,
                CombinedKeys = options.Parameters.CombinedKeys,
                Ipv6 = options.Parameters.Ipv6,
                TimeZone = options.Calendar.Zone.Id,
                MemoryBudget = options.MemoryBudget,
            };

            var outputPath = parse.GetValue(output)
                ?? string.Create(CultureInfo.InvariantCulture, $"potiron-bench-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.json");
            BenchResult? reference = null;
            var sameWork = true;
            if (baselinePath is not null)
            {
                if (!BenchBaseline.TryLoad(baselinePath, out reference, out var baselineError))
                    return Fail(baselineError);
                // Writing the result over its own baseline would ratchet it down a little on every slow run.
                if (string.Equals(Path.GetFullPath(outputPath), Path.GetFullPath(baselinePath), StringComparison.Ordinal))
                    return Fail($"--output would overwrite the baseline {baselinePath}; write the result elsewhere.");
                var differences = BenchBaseline.Differences(reference, benchFiles, settings);
                if (!TryAccept(differences, baselinePath, parse.GetValue(baselineAny), ref sameWork, out var mismatch))
                    return Fail(mismatch);
            }

            var measurements = new List<BenchRun>();
            BenchCounts? counts = null;
            for (var i = 0; i < warmups + measured; i++)
            {
                var isWarmup = i < warmups;
                var label = isWarmup
                    ? string.Create(CultureInfo.InvariantCulture, $"warm-up {i + 1}/{warmups}")
                    : string.Create(CultureInfo.InvariantCulture, $"run {i - warmups + 1}/{measured}");
                var (run, result, sink) = await MeasureAsync(options, cancellationToken);
                if (result.Cancelled)
                {
                    Console.Error.WriteLine($"potiron: {label}: stopped; no result written.");
                    return ExitCodes.Interrupted;
                }
                if (result.HasFailures)
                {
                    ReportFailures(result);
                    return Fail("an input could not be read in full, and a benchmark of part of the input is meaningless.");
                }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"potiron: {label}: {run.ElapsedSeconds:F3} s, {run.PacketsPerSecond:N0} packets/s, {run.MegabytesPerSecond:F1} MB/s"));
                var these = new BenchCounts
                {
                    Packets = result.Packets,
                    Bytes = result.Bytes,
                    Files = sink.Files,
                    Groups = sink.Groups,
                    Members = sink.Members,
                    Increments = sink.Increments,
                };
                if (counts is null && reference is not null)
                {
                    // Known after the first run: no point measuring the others against a baseline of other work.
                    var countsDifference = BenchBaseline.CountsDifference(reference, these);
                    if (!TryAccept(countsDifference is null ? [] : [countsDifference], baselinePath!, parse.GetValue(baselineAny), ref sameWork, out var mismatch))
                        return Fail(mismatch);
                }
                counts ??= these;
                if (these != counts)
                    return Fail($"{label} counted otherwise than the first run ({these} against {counts}): the ingest is not deterministic, which is a bug.");
                if (!isWarmup)
                    measurements.Add(run);
            }

            var benchResult = new BenchResult
            {
                Format = BenchResult.CurrentFormat,
                Version = ToolVersion.Text,
                Date = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc),
                Machine = BenchMachine.Current(),
                Files = benchFiles,
                Options = settings,
                WarmupRuns = warmups,
                Runs = measurements,
                PacketsPerSecond = BenchSummary.Of(measurements.Select(r => r.PacketsPerSecond)),
                MegabytesPerSecond = BenchSummary.Of(measurements.Select(r => r.MegabytesPerSecond)),
                ElapsedSeconds = BenchSummary.Of(measurements.Select(r => r.ElapsedSeconds)),
                CpuSeconds = BenchSummary.Of(measurements.Select(r => r.CpuSeconds)),
                Counts = counts!,
            };
            if (reference is not null)
            {
                benchResult = benchResult with
                {
                    Comparison = BenchBaseline.Compare(baselinePath!, reference, benchResult, allowed ?? DefaultMaxRegressionPercent, sameWork),
                };
            }

            try
            {
                await using var file = File.Create(outputPath);
                await JsonSerializer.SerializeAsync(file, benchResult, BenchJsonContext.Readable.BenchResult, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail($"cannot write the result to {outputPath}: {e.Message}");
            }
            Console.Error.WriteLine($"potiron: result written to {outputPath}");

            if (parse.GetValue(json))
            {
                using var stdout = Console.OpenStandardOutput();
                JsonSerializer.Serialize(stdout, benchResult, BenchJsonContext.Readable.BenchResult);
                stdout.WriteByte((byte)'\n');
                // Standard output carries nothing but the JSON; the verdict goes beside the progress lines.
                if (benchResult.Comparison is { } comparison)
                    Console.Error.WriteLine("potiron: " + BenchReport.Verdict(comparison));
            }
            else
            {
                BenchReport.WriteText(Console.Out, benchResult, outputPath);
            }
            return benchResult.Comparison is { Passed: false } ? ExitCodes.SomeInputsFailed : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// One run on a fresh null sink (so that nothing is skipped as already imported), timed by wall clock and by the
    /// process's CPU time (every worker thread included).
    /// </summary>
    private static async Task<(BenchRun Run, IngestResult Result, NullCountSink Sink)> MeasureAsync(IngestOptions options, CancellationToken cancellationToken)
    {
        // The previous run's garbage is collected now rather than during this run's timing.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var sink = new NullCountSink();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var result = await new IngestPipeline(options, sink).RunAsync(cancellationToken);
        clock.Stop();
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        await sink.DisposeAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var run = new BenchRun
        {
            ElapsedSeconds = seconds,
            CpuSeconds = cpu.TotalSeconds,
            PacketsPerSecond = seconds > 0 ? result.Packets / seconds : 0,
            MegabytesPerSecond = seconds > 0 ? result.Bytes / 1e6 / seconds : 0,
        };
        return (run, result, sink);
    }

    /// <summary>
    /// The arguments expanded as <c>potiron ingest</c> expands them, as paths for the pipeline and as names and sizes for
    /// the result. Standard input cannot be read twice, and a file name given twice would be counted once by the ingest.
    /// </summary>
    private static bool TryListFiles(string[] arguments, out IReadOnlyList<string> paths, out IReadOnlyList<BenchFile> files,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        paths = [];
        files = [];
        if (arguments.Contains(CaptureInput.StandardInputArgument))
        {
            error = "standard input (-) cannot be benchmarked: every run reads the inputs again.";
            return false;
        }
        var inputs = CaptureInputs.Expand(arguments, out var errors);
        if (errors.Count > 0)
        {
            error = errors.Count == 1 ? errors[0] : $"{errors[0]} (and {errors.Count - 1} more)";
            return false;
        }
        if (inputs.Count == 0)
        {
            error = "no capture file found in " + string.Join(' ', arguments);
            return false;
        }
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var list = new List<BenchFile>();
        foreach (var input in inputs)
        {
            if (!seen.TryAdd(input.BaseName, input.Path))
            {
                error = $"{input.Path} has the same file name as {seen[input.BaseName]}: the ingest would count it once; give each file once.";
                return false;
            }
            try
            {
                list.Add(new BenchFile(input.BaseName, new FileInfo(input.Path).Length));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"cannot read {input.Path}: {e.Message}";
                return false;
            }
        }
        paths = inputs.Select(i => i.Path).ToArray();
        files = list;
        error = null;
        return true;
    }

    /// <summary>A mismatch with the baseline is a usage error, unless <c>--baseline-any</c> turns it into a warning.</summary>
    private static bool TryAccept(IReadOnlyList<string> differences, string baselinePath, bool any, ref bool sameWork,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        error = null;
        if (differences.Count == 0)
            return true;
        sameWork = false;
        if (any)
        {
            foreach (var difference in differences)
                Console.Error.WriteLine($"potiron: warning: the baseline measured other work: {difference} (compared anyway: --baseline-any).");
            return true;
        }
        error = $"the baseline {baselinePath} measured other work: {string.Join("; ", differences)}. Take a new baseline, or give --baseline-any to compare anyway.";
        return false;
    }

    private static void ReportFailures(IngestResult result)
    {
        foreach (var problem in result.InputErrors)
            Console.Error.WriteLine($"potiron: {problem}");
        foreach (var file in result.Files)
        {
            if (file.Problem is not null)
                Console.Error.WriteLine($"potiron: {file.Problem}");
            else if (file.Outcome is FileOutcome.Failed or FileOutcome.ImportedDamaged)
                Console.Error.WriteLine($"potiron: {file.Path}: {string.Join("; ", file.Notes)}");
            foreach (var warning in file.Warnings.Where(w => w.Kind != CaptureProblemKind.Empty))
                Console.Error.WriteLine($"potiron: {warning}");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"potiron: {message}");
        return ExitCodes.Usage;
    }
}
