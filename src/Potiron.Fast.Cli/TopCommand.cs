using System.CommandLine;
using System.Globalization;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis;

namespace Potiron.Fast.Cli;

/// <summary><c>potiron top</c>: the most frequent values per field, read back from the store.</summary>
internal static class TopCommand
{
    public static Command Create()
    {
        var store = new StoreOptions();
        var sensor = new Option<string?>("--sensor", "-s") { Description = "Sensor (default: every sensor in the store)." };
        var day = new Option<string?>("--day", "-d") { Description = "Day as YYYYMMDD (default: each sensor's latest day)." };
        var field = new Option<string[]>("--field", "-f") { Description = "Fields to show (default: all of JSON_FIELDS).", AllowMultipleArgumentsPerToken = true }
            .RefuseOptionLikeValues();
        var count = new Option<int>("--limit", "-l") { Description = "Values per field.", DefaultValueFactory = _ => 5 };
        var command = new Command("top", "Show the most frequent values of each field for a sensor and day.") { sensor, day, field, count };
        store.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var open = await store.OpenAsync(parse, cancellationToken);
                var reader = new PotironStoreReader(open.Connection);
                var sensors = parse.GetValue(sensor) is { } s ? [s] : await reader.ListSensorsAsync(cancellationToken);
                if (sensors.Count == 0)
                {
                    Console.Error.WriteLine($"potiron: the store at {open.Connection.Endpoint} holds no sensor yet.");
                    return ExitCodes.SomeInputsFailed;
                }
                var fields = parse.GetValue(field) is { Length: > 0 } f ? f : await reader.GetJsonFieldsAsync(cancellationToken);
                var limit = Math.Max(1, parse.GetValue(count));
                foreach (var name in sensors)
                {
                    var days = await reader.ListDaysAsync(name, cancellationToken);
                    var chosen = parse.GetValue(day) ?? days.Order(StringComparer.Ordinal).LastOrDefault();
                    if (chosen is null)
                        continue;
                    Console.WriteLine($"{name} {chosen}");
                    foreach (var fieldName in fields)
                    {
                        var top = await reader.TopMembersAsync(name, chosen, fieldName, limit, cancellationToken: cancellationToken);
                        if (top.Count == 0)
                            continue;
                        var values = string.Join("  ", top.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Member} ({m.Score:0})")));
                        Console.WriteLine($"  {fieldName,-9} {values}");
                    }
                }
                return ExitCodes.Success;
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
