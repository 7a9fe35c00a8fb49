namespace Potiron.Fast.Capture;

/// <summary>What went wrong with a capture file, with where: enough for one clear line to the user.</summary>
public sealed record CaptureProblem(
    string File,
    long Offset,
    long RecordIndex,
    CaptureProblemKind Kind,
    string Reason,
    bool IsFatal)
{
    public override string ToString() =>
        $"{File}: {(IsFatal ? "error" : "warning")} at byte {Offset}{(RecordIndex >= 0 ? $" (record {RecordIndex})" : "")}: {Reason}";
}

public enum CaptureProblemKind
{
    /// <summary>The file is empty (0 bytes): no packets, nothing else wrong.</summary>
    Empty,
    /// <summary>No known magic number at the start of the (decompressed) data.</summary>
    UnknownFormat,
    /// <summary>A global header, section header or interface block is inconsistent (bad version, bad length ...).</summary>
    BadHeader,
    /// <summary>The file ends inside its global/section header.</summary>
    TruncatedHeader,
    /// <summary>The file ends inside a record: the records before it were read.</summary>
    TruncatedRecord,
    /// <summary>A record or block length cannot be right (beyond the limit, misaligned, shorter than its header).</summary>
    BadRecordLength,
    /// <summary>A packet refers to an interface that was never described.</summary>
    UnknownInterface,
    /// <summary>The compressed stream is damaged or ends early.</summary>
    CompressionError,
    /// <summary>Reading the file failed (permissions, I/O error).</summary>
    IoError,
}
