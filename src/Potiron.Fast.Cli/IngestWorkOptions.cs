using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Ingest;

namespace Potiron.Fast.Cli;

/// <summary>
/// The options that change what an ingest computes or how it spreads the work (fields, key format, IPv6, day zone,
/// workers, memory budget), shared by <c>potiron ingest</c> and <c>potiron bench</c> so that a benchmark measures exactly the ingest a
/// user would run with the same spellings.
/// </summary>
internal sealed class IngestWorkOptions
{
    public Option<string[]> FieldFilter { get; } = new Option<string[]>("--fieldfilter", "-ff")
    {
        Description = "tshark field names to keep (standard format), e.g. -ff ip.src tcp.dstport.",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    }.RefuseOptionLikeValues();

    public Option<bool> CombinedKeys { get; } = new("--combined_keys", "-ck", "--combined-keys") { Description = "Per-protocol keys {sensor}:{protocol}:{day}:{field}." };

    public Option<string> TimeZone { get; } = new("--tz")
    {
        Description = "Time zone of the day keys: UTC (default), local (the original's behaviour) or an IANA name such as Europe/Luxembourg.",
        DefaultValueFactory = _ => "UTC",
    };

    public Option<bool> Ipv6 { get; } = new("--ipv6") { Description = "Also count IPv6 packets (the original drops them); recorded in PARAMETERS." };

    public Option<int> Jobs { get; } = new("--jobs", "-j") { Description = "Files read at once (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };

    public Option<string?> MemoryBudget { get; } = new("--memory-budget")
    {
        Description = "Memory the count tables may hold, e.g. 512M or 2G (bytes, K, M, G: powers of 1024); past it they spill sorted runs to disk and merge them for the commit. Default: no bound.",
    };

    public Option<string?> SpillDirectory { get; } = new("--spill-dir")
    {
        Description = "Folder for the runs spilled over the memory budget (default: the system's temporary folder).",
    };

    /// <summary>
    /// The pipeline options for <paramref name="inputs"/>, or the one-line usage error. The caller adds what does not
    /// change the work (sensor name, standard input's name).
    /// </summary>
    public bool TryCreate(ParseResult parse, IReadOnlyList<string> inputs,
        [NotNullWhen(true)] out IngestOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        error = null;
        if (!FieldSelection.TryCreate(parse.GetValue(FieldFilter), out var selection, out var fieldError))
        {
            error = fieldError!;
            return false;
        }
        if (!DayCalendar.TryCreate(parse.GetValue(TimeZone), out var calendar, out var zoneError))
        {
            error = zoneError!;
            return false;
        }
        var workers = parse.GetValue(Jobs);
        if (workers < 1)
        {
            error = "--jobs must be at least 1.";
            return false;
        }
        long? budget = null;
        if (parse.GetValue(MemoryBudget) is { } budgetText)
        {
            if (!OptionValues.TryParseSize(budgetText, out var bytes) || bytes < 1 << 20)
            {
                error = $"--memory-budget '{budgetText}' is not a size of at least 1M (bytes, or a number followed by K, M or G).";
                return false;
            }
            budget = bytes;
        }
        var spillDirectory = parse.GetValue(SpillDirectory);
        if (spillDirectory is not null && !Directory.Exists(spillDirectory))
        {
            error = $"--spill-dir {spillDirectory}: no such folder.";
            return false;
        }
        options = new IngestOptions
        {
            MemoryBudget = budget,
            SpillDirectory = spillDirectory,
            Inputs = inputs,
            Parameters = new RunParameters
            {
                Fields = selection,
                CombinedKeys = parse.GetValue(CombinedKeys),
                Ipv6 = parse.GetValue(Ipv6),
            },
            Calendar = calendar,
            Workers = workers,
        };
        return true;
    }
}
