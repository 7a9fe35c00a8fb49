using System.CommandLine;
using Potiron.Fast.Cli;

// `potiron --version` alone is answered before the command tree is built and System.CommandLine is loaded (about
// half of its start-up time); the text is the one System.CommandLine prints (ToolVersion follows its rule).
if (args is ["--version"])
{
    Console.Out.WriteLine(ToolVersion.Text);
    return ExitCodes.Success;
}
// Exit codes (ripgrep-style): 0 all done, 1 finished but some inputs failed, 2 usage error or fatal;
// ingest stopped by SIGINT 130, by SIGTERM 143 (after a graceful stop).
var root = new RootCommand("Potiron.Fast: decode network captures and count potiron's fields per sensor and day into Redis.")
{
    IngestCommand.Create(),
    TopCommand.Create(),
    ForgetCommand.Create(),
    RedisCommand.Create(),
    BenchCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // One line per error: System.CommandLine lists the allowed values of an option on lines of their own.
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"potiron: {string.Join(' ', error.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
    Console.Error.WriteLine("Try 'potiron --help'.");
    return ExitCodes.Usage;
}
// `ingest` handles SIGINT and SIGTERM itself (GracefulStop): System.CommandLine's handler would end the process two
// seconds after the signal, possibly before the file in flight is committed and the stats are printed.
var invocation = new InvocationConfiguration();
if (parse.CommandResult.Command.Name == IngestCommand.Name)
    invocation.ProcessTerminationTimeout = null;
return await parse.InvokeAsync(invocation);
