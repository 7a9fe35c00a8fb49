namespace Potiron.Fast.Capture;

/// <summary>Why a span reader's <c>TryRead</c> returned false.</summary>
public enum CaptureReadStop
{
    /// <summary>TryRead has not returned false yet.</summary>
    None,
    /// <summary>The next item is incomplete: call again with more bytes (at least <c>BytesNeeded</c> from the
    /// unconsumed start). Never returned for a final block.</summary>
    NeedMoreData,
    /// <summary>The data ends cleanly between records.</summary>
    EndOfData,
    /// <summary>Reading stopped on a problem (see <c>Failure</c>); a truncated last record is a non-fatal one.</summary>
    Failed,
}
