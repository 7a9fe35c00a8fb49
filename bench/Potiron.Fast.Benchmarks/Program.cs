using BenchmarkDotNet.Running;
using Potiron.Fast.Benchmarks;

// Usage: dotnet run -c Release --project bench/Potiron.Fast.Benchmarks -- [--quick|--dry] [--results DIR] [BenchmarkDotNet options]
//   --quick        one warm-up, three iterations, in-process: the whole suite in a few minutes
//   --dry          every benchmark once, in-process: checks that each runs and that its result is right
//   --results DIR  write the reports there instead of bench/results/<YYYY-MM-DD>-<machine>/
//   anything else goes to BenchmarkDotNet, e.g. --filter '*Decoder*' or --list flat
var mode = "full";
string? results = null;
var rest = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            mode = "quick";
            break;
        case "--dry":
            mode = "dry";
            break;
        case "--results" when i + 1 < args.Length:
            results = args[++i];
            break;
        default:
            rest.Add(args[i]);
            break;
    }
}

var entry = mode == "full" ? "benchmarkdotnet" : $"benchmarkdotnet-{mode}";
var folder = results ?? ResultsFolder.Choose(ResultsFolder.FindRepositoryRoot(), entry);
var artifacts = Path.Combine(folder, entry);
if (Path.Exists(artifacts))
{
    Console.Error.WriteLine($"potiron-bench: {artifacts} exists already; results are never overwritten.");
    return 2;
}
var config = mode switch
{
    "quick" => BenchConfig.Quick(artifacts),
    "dry" => BenchConfig.Dry(artifacts),
    _ => BenchConfig.Full(artifacts),
};
Console.WriteLine($"// {mode} configuration; reports go to {artifacts}");

var switcher = BenchmarkSwitcher.FromAssembly(typeof(SyntheticTraffic).Assembly);
var selects = rest.Exists(a => a is "--filter" or "-f" or "--list" or "--info" or "--help" or "-h" or "--version");
var summaries = selects ? switcher.Run([.. rest], config) : switcher.RunAll(config, [.. rest]);
var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
Console.WriteLine($"// reports: {artifacts}{(failed ? " (some benchmarks FAILED)" : "")}");
return failed ? 1 : 0;
