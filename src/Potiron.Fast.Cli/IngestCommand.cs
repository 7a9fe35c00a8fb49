using System.CommandLine;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using Potiron.Fast.Ingest;
using Potiron.Fast.Redis;

namespace Potiron.Fast.Cli;

/// <summary><c>potiron ingest</c>: the original's <c>bin/parse_pcap_files.py</c>, option spellings included.</summary>
internal static class IngestCommand
{
    public const string Name = "ingest";

    public static Command Create()
    {
        var input = new Option<string[]>("--input", "-i")
        {
            Description = "Capture files, folders (walked recursively) or - for standard input.",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        }.RefuseOptionLikeValues();
        // After "--", every token is an input, a name that begins with '-' too (the shell's convention).
        var afterDoubleDash = new Argument<string[]>("inputs")
        {
            Description = "More inputs, given after --: names that begin with '-'.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var store = new StoreOptions();
        var quiet = new Option<bool>("--console", "-c") { Description = "Turn console logging off (the original's -c): no progress, no per-file lines." };
        var work = new IngestWorkOptions();
        var tsharkFilter = new Option<string[]>("--tsharkfilter", "-tf") { Description = "Extra display filter (not supported yet).", AllowMultipleArgumentsPerToken = true };
        var outputDir = new Option<string?>("--outputdir", "-o") { Description = "JSON output folder (with -ej; not supported yet)." };
        var enableJson = new Option<bool>("--enable_json", "-ej") { Description = "Also write JSON documents (not supported yet)." };
        var isn = new Option<bool>("--isn") { Description = "ISN format (not supported yet)." };
        var layer2 = new Option<bool>("--layer2", "-l2") { Description = "Layer-2 (ARP) format (not supported yet)." };
        var sensor = new Option<string?>("--sensor") { Description = "Sensor name for every input, instead of the one derived from each file name." };
        var sink = new Option<string>("--sink") { Description = "redis (default) or null (decode and count only, for benchmarks).", DefaultValueFactory = _ => "redis" };
        sink.AcceptOnlyFromAmong("redis", "null");
        var json = new Option<bool>("--json") { Description = "Print the stats block as JSON on standard output." };
        var retryFor = new Option<double>("--retry-for")
        {
            Description = "Seconds to keep retrying when Redis stops answering (dropped connection, restarting server) before the file in hand fails (default 30; 0: no retry).",
            DefaultValueFactory = _ => 30,
        };
        var force = new Option<bool>("--force")
        {
            Description = "Re-import files already in FILES: each replaces what its earlier import added (needs the record kept by an import with --records; implies --records).",
        };
        var records = new Option<bool>("--records")
        {
            Description = "Also keep a record of what each file added (potiron-fast/record/FILE, about 9 bytes a member), so that --force and 'potiron forget' can replace or remove it later. Off by default: the store then holds exactly the original's keys.",
        };
        var stdinName = new Option<string>("--stdin-name") { Description = "File name recorded in FILES for standard input.", DefaultValueFactory = _ => "stdin" };

        var command = new Command(Name, "Read captures, count potiron's fields per sensor and day, and store the counts (potiron's standard format).")
        {
            input, quiet, work.FieldFilter, work.CombinedKeys, tsharkFilter, outputDir, enableJson, isn, layer2, work.TimeZone, sensor, work.Ipv6, work.Jobs, work.MemoryBudget, work.SpillDirectory, sink, json, stdinName, retryFor, force, records,
            afterDoubleDash,
        };
        store.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetResult(input) is null && result.GetResult(afterDoubleDash) is not { Tokens.Count: > 0 })
                result.AddError("Option '--input' is required.");
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var unsupported = new (bool Given, string Name)[]
            {
                (parse.GetValue(tsharkFilter) is { Length: > 0 }, "-tf/--tsharkfilter"),
                (parse.GetValue(enableJson) || parse.GetValue(outputDir) is not null, "-ej/-o (JSON documents)"),
                (parse.GetValue(isn), "--isn"),
                (parse.GetValue(layer2), "-l2/--layer2"),
            };
            foreach (var (given, name) in unsupported)
            {
                if (given)
                    return Fail($"{name} is not supported yet by this version of Potiron.Fast.");
            }
            if (StrayArgument(parse, afterDoubleDash) is { } stray)
                return Fail($"Unrecognized command or argument '{stray}' (inputs are given with -i, or after --).");
            string[] inputs = [.. parse.GetValue(input) ?? [], .. parse.GetValue(afterDoubleDash) ?? []];
            if (!work.TryCreate(parse, inputs, out var workOptions, out var workError))
                return Fail(workError);
            var retrySeconds = parse.GetValue(retryFor);
            if (!(retrySeconds is >= 0 and <= 86400))
                return Fail("--retry-for must be a number of seconds from 0 to 86400.");
            var sensorName = parse.GetValue(sensor);
            if (sensorName is not null && !SensorName.TryValidate(sensorName, out var sensorError))
                return Fail($"--sensor: {sensorError}.");
            var standardInputName = parse.GetValue(stdinName)!;
            if (standardInputName.Length == 0 || standardInputName.Contains('/', StringComparison.Ordinal))
                return Fail("--stdin-name must be a file name: not empty, without '/'.");
            // Nothing at all to read (every input missing or unreadable) is a usage error, found before the store
            // is opened or created; when some inputs can be read, the others are reported per input and the run goes on.
            if (inputs.All(i => CaptureInputs.Probe(i) is not null))
            {
                foreach (var problem in inputs.Select(CaptureInputs.Probe).Distinct())
                    Console.Error.WriteLine($"potiron: {problem}");
                return ExitCodes.Usage;
            }

            var options = workOptions with
            {
                Sensor = sensorName,
                StandardInputName = standardInputName,
                Force = parse.GetValue(force),
            };
            var console = new ConsoleReporter(quiet: parse.GetValue(quiet));
            using var stop = GracefulStop.Register(cancellationToken);
            using var announce = stop.Token.Register(() => console.Notice(
                $"{stop.Describe()}: stopping: no new file; a file being read is abandoned, a file read is committed (signal again to stop at once)."));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                IngestResult result;
                StoreTraffic? traffic = null;
                if (parse.GetValue(sink) == "null")
                {
                    await using var nullSink = new NullCountSink();
                    ExecutableMapping.Release();
                    result = await new IngestPipeline(options, nullSink, console).RunAsync(stop.Token);
                }
                else
                {
                    await using var open = await store.OpenAsync(parse, stop.Token);
                    await using var redisSink = new RedisCountSink(open.Connection, new RedisCountSinkOptions
                    {
                        Notice = console.Notice,
                        RetryFor = TimeSpan.FromSeconds(retrySeconds),
                        WriteRecords = parse.GetValue(records) || parse.GetValue(force),
                    });
                    ExecutableMapping.Release();
                    result = await new IngestPipeline(options, redisSink, console).RunAsync(stop.Token);
                    traffic = new StoreTraffic(redisSink.CountCommandsSent, redisSink.MembersSent);
                }
                return Finish(result, traffic);
            }
            catch (SinkConfigurationException e)
            {
                console.Finish();
                return Fail(e.Message);
            }
            catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
            {
                // Stopped while the store was being opened: nothing was read or written.
                return Finish(new IngestResult { Files = [], Elapsed = clock.Elapsed, DecodeEvents = new Dictionary<Packets.DecodeEvent, long>(), Cancelled = true });
            }

            int Finish(IngestResult result, StoreTraffic? traffic = null)
            {
                console.Finish();
                // An input that names nothing is only known once the pipeline has expanded the inputs; it goes to
                // standard error like every other problem (the stats block repeats it).
                foreach (var error in result.InputErrors)
                    console.Notice(error);
                var stoppedBy = result.Cancelled ? stop.Describe() : null;
                if (parse.GetValue(json))
                    StatsReport.WriteJson(Console.OpenStandardOutput(), result, stoppedBy, traffic);
                else
                    StatsReport.WriteText(Console.Out, result, stoppedBy, traffic);
                if (result.Cancelled)
                    return stop.ExitCode;
                return result.HasFailures ? ExitCodes.SomeInputsFailed : ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>
    /// A value of the "inputs" argument that came before "--": System.CommandLine gives the argument every token left
    /// over, but only those after "--" are inputs; a stray word elsewhere stays the error it was.
    /// </summary>
    private static string? StrayArgument(ParseResult parse, Argument<string[]> afterDoubleDash)
    {
        var values = parse.GetValue(afterDoubleDash) ?? [];
        var doubleDash = -1;
        for (var i = 0; i < parse.Tokens.Count && doubleDash < 0; i++)
        {
            if (parse.Tokens[i].Type == System.CommandLine.Parsing.TokenType.DoubleDash)
                doubleDash = i;
        }
        var afterCount = doubleDash < 0 ? 0 : parse.Tokens.Count - doubleDash - 1;
        return values.Length > afterCount ? values[0] : null;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"potiron: {message}");
        return ExitCodes.Usage;
    }
}
