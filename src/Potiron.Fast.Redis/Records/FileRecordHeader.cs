namespace Potiron.Fast.Redis.Records;

/// <summary>One sorted set a recorded file added to, and how many members it added there.</summary>
public readonly record struct RecordedKey(string Key, long Members);

/// <summary>
/// The head of a file's record (<see cref="PotironKeys.FileRecord"/>): whose file it was, which set members it added, and
/// the directory of its sorted-set keys, so that the keys are known before the members are decompressed.
/// </summary>
public sealed record FileRecordHeader
{
    public required string Sensor { get; init; }
    public required string FileName { get; init; }
    public required string FileNameDay { get; init; }
    /// <summary>Every day that received a packet (the filename day is in <see cref="FileNameDay"/>).</summary>
    public required IReadOnlyList<string> Days { get; init; }
    public required IReadOnlyList<string> Protocols { get; init; }
    /// <summary>The keys in the order their members follow in the record.</summary>
    public required IReadOnlyList<RecordedKey> Keys { get; init; }

    /// <summary>The days this file put into <c>{sensor}_DAYS</c>: its filename day and every packet day.</summary>
    public IEnumerable<string> AllDays => Days.Prepend(FileNameDay).Distinct(StringComparer.Ordinal);
}
