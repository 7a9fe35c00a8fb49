using System.CommandLine;
using Potiron.Fast.Aggregation;
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
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        }.RefuseOptionLikeValues();
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
        var stdinName = new Option<string>("--stdin-name") { Description = "File name recorded in FILES for standard input.", DefaultValueFactory = _ => "stdin" };

        var command = new Command(Name, "Read captures, count potiron's fields per sensor and day, and store the counts (potiron's standard format).")
        {
            input, quiet, work.FieldFilter, work.CombinedKeys, tsharkFilter, outputDir, enableJson, isn, layer2, work.TimeZone, sensor, work.Ipv6, work.Jobs, sink, json, stdinName, retryFor,
        };
        store.AddTo(command);

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
            if (!work.TryCreate(parse, parse.GetValue(input)!, out var workOptions, out var workError))
                return Fail(workError);
            var retrySeconds = parse.GetValue(retryFor);
            if (!(retrySeconds is >= 0 and <= 86400))
                return Fail("--retry-for must be a number of seconds from 0 to 86400.");

            var options = workOptions with
            {
                Sensor = parse.GetValue(sensor),
                StandardInputName = parse.GetValue(stdinName)!,
            };
            var console = new ConsoleReporter(quiet: parse.GetValue(quiet));
            using var stop = GracefulStop.Register(cancellationToken);
            using var announce = stop.Token.Register(() => console.Notice(
                $"{stop.Describe()}: stopping: no new file; a file being read is abandoned, a file read is committed (signal again to stop at once)."));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                IngestResult result;
                if (parse.GetValue(sink) == "null")
                {
                    await using var nullSink = new NullCountSink();
                    result = await new IngestPipeline(options, nullSink, console).RunAsync(stop.Token);
                }
                else
                {
                    await using var open = await store.OpenAsync(parse, stop.Token);
                    await using var redisSink = new RedisCountSink(open.Connection, new RedisCountSinkOptions
                    {
                        Notice = console.Notice,
                        RetryFor = TimeSpan.FromSeconds(retrySeconds),
                    });
                    result = await new IngestPipeline(options, redisSink, console).RunAsync(stop.Token);
                }
                return Finish(result);
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

            int Finish(IngestResult result)
            {
                console.Finish();
                // An input that names nothing is only known once the pipeline has expanded the inputs; it goes to
                // standard error like every other problem (the stats block repeats it).
                foreach (var error in result.InputErrors)
                    console.Notice(error);
                var stoppedBy = result.Cancelled ? stop.Describe() : null;
                if (parse.GetValue(json))
                    StatsReport.WriteJson(Console.OpenStandardOutput(), result, stoppedBy);
                else
                    StatsReport.WriteText(Console.Out, result, stoppedBy);
                if (result.Cancelled)
                    return stop.ExitCode;
                return result.HasFailures ? ExitCodes.SomeInputsFailed : ExitCodes.Success;
            }
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"potiron: {message}");
        return ExitCodes.Usage;
    }
}
