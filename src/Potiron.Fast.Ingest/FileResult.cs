using Potiron.Fast.Capture;

namespace Potiron.Fast.Ingest;

/// <summary>The result of one input file.</summary>
public sealed record FileResult
{
    public required string Path { get; init; }
    public required string FileName { get; init; }
    public required string Sensor { get; init; }
    public required FileOutcome Outcome { get; init; }
    public long Bytes { get; init; }
    public long Packets { get; init; }
    public long PacketsCounted { get; init; }
    public long Members { get; init; }
    /// <summary>The fatal problem (Failed / ImportedDamaged), if any.</summary>
    public CaptureProblem? Problem { get; init; }
    public IReadOnlyList<CaptureProblem> Warnings { get; init; } = [];
    /// <summary>Other messages for the user (sensor name fallback, commit errors ...).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
