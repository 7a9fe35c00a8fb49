namespace Potiron.Fast.Capture;

/// <summary>
/// What stopped a span reader, with where; the file reader adds the file name to make a <see cref="CaptureProblem"/>.
/// Built only on the failure path, so the reason may be an interpolated string.
/// </summary>
public readonly record struct CaptureReadFailure(
    CaptureProblemKind Kind,
    string Reason,
    long Offset,
    long RecordIndex,
    bool IsFatal)
{
    public CaptureProblem ToProblem(string file) => new(file, Offset, RecordIndex, Kind, Reason, IsFatal);
}
