using System.CommandLine;
using Potiron.Fast.Redis.Instances;

namespace Potiron.Fast.Cli;

/// <summary>
/// <c>potiron redis start|stop|status|create|delete|flush</c>: the original's <c>bin/run_redis.py</c> and
/// <c>bin/manage_redis.py</c>, for users who run real redis-server instances (under <c>ROOT/redis_backends/</c>).
/// <c>potiron redis</c> alone is <c>status</c>. Where the original asks y/n before deleting or flushing every instance,
/// we take <c>--all --yes</c>, so that a script never hangs on a question.
/// </summary>
internal static class RedisCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root")
        {
            Description = "Folder that holds redis_backends/ (default: the current directory).",
            Recursive = true,
        };
        var names = new Option<string[]>("--name", "-n")
        {
            Description = "Instances to act on (default for start, stop and status: every instance).",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
            Recursive = true,
        };
        // Names never begin with '-': a token that does is a mistyped option, not a name to create.
        names.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith('-'))
                    result.AddError($"Unrecognized option '{token.Value}'.");
            }
        });
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for instances to start or stop, or for another 'potiron redis' command on the same folder.",
            DefaultValueFactory = _ => 10,
            Recursive = true,
        };
        var redisServer = new Option<string?>("--redis-server") { Description = "The redis-server executable (default: redis-server on PATH)." };
        var handlers = new Handlers(root, names, timeout);

        var status = new Command("status", "One line per instance (running, with its socket, or down), or one summary line.");
        status.SetAction(handlers.StatusAsync);

        var start = new Command("start", "Start the instances that are down and wait until each answers PING.") { redisServer };
        start.SetAction((parse, token) => handlers.StartAsync(parse, redisServer, token));

        var stop = new Command("stop", "SHUTDOWN SAVE each running instance and wait until it is gone.");
        stop.SetAction(handlers.StopAsync);

        var create = new Command("create", "Add instances: their folder and config under redis_backends/NAME/ (names: letters, digits, _ and -).");
        create.SetAction(handlers.CreateAsync);

        var deleteAll = All("delete every instance");
        var deleteYes = Yes();
        var delete = new Command("delete", "Stop instances and remove their folders, data included (-n NAME..., or --all --yes).") { deleteAll, deleteYes };
        delete.SetAction((parse, token) => handlers.DeleteAsync(parse, deleteAll, deleteYes, token));

        var flushAll = All("flush every running instance");
        var flushYes = Yes();
        var flush = new Command("flush", "FLUSHDB on running instances (-n NAME..., or --all --yes).") { flushAll, flushYes };
        flush.SetAction((parse, token) => handlers.FlushAsync(parse, flushAll, flushYes, token));

        var command = new Command("redis", "Manage redis-server instances under redis_backends/ (the original's run_redis.py and manage_redis.py).")
        {
            root, names, timeout, status, start, stop, create, delete, flush,
        };
        command.SetAction(handlers.StatusAsync);
        return command;
    }

    private static Option<bool> All(string what) => new("--all") { Description = $"With --yes: {what}." };

    private static Option<bool> Yes() => new("--yes") { Description = "Confirm --all." };

    private sealed class Handlers(Option<string> root, Option<string[]> names, Option<double> timeout)
    {
        public Task<int> StatusAsync(ParseResult parse, CancellationToken cancellationToken) => RunAsync(parse, async instances =>
        {
            var statuses = await instances.GetStatusAsync(instances.Resolve(Names(parse)), cancellationToken);
            PrintStatus(statuses);
            return ExitCodes.Success;
        });

        public Task<int> StartAsync(ParseResult parse, Option<string?> redisServer, CancellationToken cancellationToken) => RunAsync(parse, async instances =>
        {
            var chosen = instances.Resolve(Names(parse));
            var outcomes = await instances.StartAsync(chosen, Waiting, cancellationToken);
            return await FinishAsync(instances, chosen, outcomes, "did not start", cancellationToken);
        }, parse.GetValue(redisServer));

        public Task<int> StopAsync(ParseResult parse, CancellationToken cancellationToken) => RunAsync(parse, async instances =>
        {
            var chosen = instances.Resolve(Names(parse));
            var outcomes = await instances.StopAsync(chosen, Waiting, cancellationToken);
            return await FinishAsync(instances, chosen, outcomes, "did not stop", cancellationToken);
        });

        public Task<int> CreateAsync(ParseResult parse, CancellationToken cancellationToken) => RunAsync(parse, async instances =>
        {
            var requested = Names(parse);
            if (requested.Length == 0)
                return Fail("create needs the names of the instances: -n NAME...");
            foreach (var outcome in await instances.CreateAsync(requested, cancellationToken))
            {
                var instance = outcome.Instance;
                Console.WriteLine(outcome.Message is null
                    ? $"Successfully created {instance.Name} (config {instance.ConfigPath}; once started, its socket is {instance.SocketPath})"
                    : $"{instance.Name}: {outcome.Message} (config {instance.ConfigPath})");
            }
            return ExitCodes.Success;
        });

        public Task<int> DeleteAsync(ParseResult parse, Option<bool> all, Option<bool> yes, CancellationToken cancellationToken) => RunAsync(parse, async instances =>
        {
            if (!TryChoose(parse, instances, all, yes, "delete", "deletes every instance and its data", out var chosen, out var exitCode))
                return exitCode;
            var failed = 0;
            foreach (var outcome in await instances.DeleteAsync(chosen, cancellationToken))
            {
                if (outcome.Succeeded)
                    Console.WriteLine($"Successfully deleted {outcome.Instance.Name}.");
                else
                    failed += Problem(outcome);
            }
            return failed > 0 ? ExitCodes.SomeInputsFailed : ExitCodes.Success;
        });

        public Task<int> FlushAsync(ParseResult parse, Option<bool> all, Option<bool> yes, CancellationToken cancellationToken) => RunAsync(parse, async instances =>
        {
            if (!TryChoose(parse, instances, all, yes, "flush", "empties every running instance", out var chosen, out var exitCode))
                return exitCode;
            var failed = 0;
            foreach (var outcome in await instances.FlushAsync(chosen, runningOnly: parse.GetValue(all), cancellationToken))
            {
                if (!outcome.Succeeded)
                    failed += Problem(outcome);
                else if (outcome.Message is null)
                    Console.WriteLine($"Successfully flushed {outcome.Instance.Name}.");
                else
                    Console.WriteLine($"{outcome.Instance.Name}: {outcome.Message}");
            }
            return failed > 0 ? ExitCodes.SomeInputsFailed : ExitCodes.Success;
        });

        private string[] Names(ParseResult parse) => parse.GetValue(names) ?? [];

        /// <summary>-n NAME... or --all --yes, never both and never neither: deleting or emptying everything is said in full.</summary>
        private bool TryChoose(ParseResult parse, ManagedRedisInstances instances, Option<bool> all, Option<bool> yes, string verb, string consequence,
            out IReadOnlyList<RedisInstance> chosen, out int exitCode)
        {
            chosen = [];
            exitCode = ExitCodes.Usage;
            var requested = Names(parse);
            var everything = parse.GetValue(all);
            if (requested.Length > 0 && everything)
            {
                Fail("Give either -n NAME... or --all, not both.");
                return false;
            }
            if (requested.Length == 0 && !everything)
            {
                Fail($"{verb} needs the instances: -n NAME..., or --all --yes for every one.");
                return false;
            }
            if (everything && !parse.GetValue(yes))
            {
                Fail($"--all {consequence}; add --yes to confirm.");
                return false;
            }
            chosen = instances.Resolve(requested);
            return true;
        }

        private static async Task<int> FinishAsync(ManagedRedisInstances instances, IReadOnlyList<RedisInstance> chosen,
            IReadOnlyList<RedisInstanceOutcome> outcomes, string failure, CancellationToken cancellationToken)
        {
            var failed = 0;
            foreach (var outcome in outcomes.Where(o => !o.Succeeded))
            {
                Console.Error.WriteLine($"potiron: {outcome.Instance.Name} {failure}: {outcome.Message}");
                failed++;
            }
            PrintStatus(await instances.GetStatusAsync(chosen, cancellationToken));
            return failed > 0 ? ExitCodes.SomeInputsFailed : ExitCodes.Success;
        }

        private static void PrintStatus(IReadOnlyList<RedisInstanceStatus> statuses)
        {
            foreach (var line in RedisInstanceReport.StatusLines(statuses))
                Console.WriteLine(line);
        }

        private static void Waiting(RedisInstance instance) => Console.WriteLine($"Waiting on {instance.Name}");

        private static int Problem(RedisInstanceOutcome outcome)
        {
            Console.Error.WriteLine($"potiron: {outcome.Instance.Name} {outcome.Message}");
            return 1;
        }

        private async Task<int> RunAsync(ParseResult parse, Func<ManagedRedisInstances, Task<int>> action, string? redisServer = null)
        {
            try
            {
                var seconds = parse.GetValue(timeout);
                if (!(seconds > 0 && seconds <= 86_400))
                    return Fail("--timeout must be a positive number of seconds, at most 86400.");
                var instances = ManagedRedisInstances.Open(parse.GetValue(root) ?? ".", new RedisInstanceOptions
                {
                    WaitTimeout = TimeSpan.FromSeconds(seconds),
                    RedisServerPath = redisServer,
                });
                return await action(instances);
            }
            catch (RedisInstanceUsageException e)
            {
                return Fail(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail(e.Message);
            }
        }

        private static int Fail(string message)
        {
            Console.Error.WriteLine($"potiron: {message}");
            return ExitCodes.Usage;
        }
    }
}
