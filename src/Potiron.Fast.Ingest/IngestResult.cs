using Potiron.Fast.Packets;

namespace Potiron.Fast.Ingest;

/// <summary>The stats block of a run: what the CLI prints (as text or JSON) and what the library returns.</summary>
public sealed record IngestResult
{
    public required IReadOnlyList<FileResult> Files { get; init; }
    /// <summary>Inputs that could not even be found or listed.</summary>
    public IReadOnlyList<string> InputErrors { get; init; } = [];
    public required TimeSpan Elapsed { get; init; }
    public required IReadOnlyDictionary<DecodeEvent, long> DecodeEvents { get; init; }
    public long PacketsWithoutTimestamp { get; init; }
    public long PacketsOutOfCalendar { get; init; }

    /// <summary>
    /// The run was cancelled (SIGINT/SIGTERM in the CLI): the files committed before are in the store, the files not done
    /// (<see cref="FileOutcome.Cancelled"/>) left nothing behind, and running the same inputs again finishes the job.
    /// </summary>
    public bool Cancelled { get; init; }

    public int FilesImported => Files.Count(f => f.Outcome is FileOutcome.Imported or FileOutcome.ImportedDamaged);
    public int FilesSkipped => Files.Count(f => f.Outcome == FileOutcome.AlreadyImported);
    public int FilesFailed => Files.Count(f => f.Outcome == FileOutcome.Failed);
    public int FilesDamaged => Files.Count(f => f.Outcome == FileOutcome.ImportedDamaged);
    public int FilesCancelled => Files.Count(f => f.Outcome == FileOutcome.Cancelled);
    public long Bytes => Files.Sum(f => f.Bytes);
    public long Packets => Files.Sum(f => f.Packets);
    public long PacketsCounted => Files.Sum(f => f.PacketsCounted);
    public long Members => Files.Sum(f => f.Members);
    public double PacketsPerSecond => Elapsed.TotalSeconds > 0 ? Packets / Elapsed.TotalSeconds : 0;
    public double MegabytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / 1e6 / Elapsed.TotalSeconds : 0;

    /// <summary>
    /// True when some input was missing, failed, damaged, or read only in part (a record or compressed stream cut
    /// short): the CLI's exit code 1. An empty capture is not a failure: tshark reads it as zero packets.
    /// </summary>
    public bool HasFailures =>
        InputErrors.Count > 0 || FilesFailed > 0 || FilesDamaged > 0 ||
        Files.Any(f => f.Warnings.Any(w => w.Kind != Capture.CaptureProblemKind.Empty));
}
