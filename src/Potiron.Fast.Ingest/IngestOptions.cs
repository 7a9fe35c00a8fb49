using Potiron.Fast.Aggregation;

namespace Potiron.Fast.Ingest;

/// <summary>What to ingest and how: the library-level equivalent of <c>potiron ingest</c>'s options.</summary>
public sealed record IngestOptions
{
    /// <summary>Files, folders (walked recursively) or <c>-</c> for standard input.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    public RunParameters Parameters { get; init; } = new();
    /// <summary>Sensor name for every file, instead of the one derived from each file name.</summary>
    public string? Sensor { get; init; }
    /// <summary>The time zone of the day keys (UTC by default).</summary>
    public DayCalendar Calendar { get; init; } = new();
    /// <summary>
    /// How many files are read at once; each worker has its own decoder and tables. One more file may be committing
    /// meanwhile (with its own tables), so that reading overlaps the store's work.
    /// </summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// Bytes that the run's count tables may hold together (shared evenly by the workers' tables); past their share they
    /// spill sorted runs to <see cref="SpillDirectory"/> and merge them at the file's end. Null: no bound.
    /// </summary>
    public long? MemoryBudget { get; init; }
    /// <summary>Where spilled runs go (null: the system's temporary folder).</summary>
    public string? SpillDirectory { get; init; }
    /// <summary>
    /// Re-import files already in <c>FILES</c> (<c>--force</c>): each replaces what its earlier import added
    /// (<see cref="ICountSink.ReplaceAsync"/>) instead of being skipped.
    /// </summary>
    public bool Force { get; init; }
    /// <summary>Name under which standard input is recorded (its basename in <c>FILES</c>).</summary>
    public string StandardInputName { get; init; } = "stdin";
}
