using System.CommandLine;
using Potiron.Fast.Cli;

// Exit codes (ripgrep-style): 0 all done, 1 finished but some inputs failed, 2 usage error or fatal.
var root = new RootCommand("Potiron.Fast: decode network captures and count potiron's fields per sensor and day into Redis.")
{
    IngestCommand.Create(),
    TopCommand.Create(),
    RedisCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"potiron: {error.Message}");
    Console.Error.WriteLine("Try 'potiron --help'.");
    return ExitCodes.Usage;
}
return await parse.InvokeAsync();
