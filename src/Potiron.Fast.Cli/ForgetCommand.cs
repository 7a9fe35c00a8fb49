using System.CommandLine;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis;

namespace Potiron.Fast.Cli;

/// <summary>
/// <c>potiron forget FILE…</c>: takes imported files back out of the store, each exactly as the record of its import
/// says. A file that is not in <c>FILES</c>, or has no record, gets one line and the others go on (exit 1 at the end).
/// </summary>
internal static class ForgetCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Imported files, by basename or path (FILES holds basenames).",
            Arity = ArgumentArity.OneOrMore,
        };
        var store = new StoreOptions();
        var command = new Command("forget", "Remove what imported files added (counts, FILES entry, days of which nothing remains), as if they had never been imported.") { files };
        store.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var open = await store.OpenAsync(parse, cancellationToken);
                using var forgetter = new FileForgetter(open.Connection);
                var failed = false;
                foreach (var file in parse.GetValue(files)!)
                {
                    var result = await forgetter.ForgetAsync(file, cancellationToken);
                    switch (result.Outcome)
                    {
                        case ForgetOutcome.Forgotten:
                            var days = result.DaysDropped is { Count: > 0 } dropped ? $"; days dropped from {PotironKeys.SensorDays(result.Sensor!)}: {string.Join(' ', dropped)}" : "";
                            Console.WriteLine($"{result.FileName}: forgotten ({result.Members} members taken out{days})");
                            break;
                        case ForgetOutcome.NotImported:
                            failed = true;
                            Console.Error.WriteLine($"potiron: {result.FileName} is not in {PotironKeys.Files}: nothing to forget.");
                            break;
                        case ForgetOutcome.NoRecord:
                            failed = true;
                            Console.Error.WriteLine($"potiron: {result.FileName} is in {PotironKeys.Files} but has no record of what it added (imported by the original potiron, or without --records): it cannot be forgotten; nothing written.");
                            break;
                    }
                }
                return failed ? ExitCodes.SomeInputsFailed : ExitCodes.Success;
            }
            catch (SinkConfigurationException e)
            {
                Console.Error.WriteLine($"potiron: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }
}
