namespace Potiron.Fast.Ingest;

/// <summary>How one input ended.</summary>
public enum FileOutcome
{
    /// <summary>Read to the end and committed.</summary>
    Imported,
    /// <summary>Committed, but the capture was damaged: what came before the damage counts (as tshark reads it).</summary>
    ImportedDamaged,
    /// <summary>Its basename was already in <c>FILES</c> (or earlier in this run): nothing written.</summary>
    AlreadyImported,
    /// <summary>Could not be read or committed: nothing written, a re-run tries again.</summary>
    Failed,
    /// <summary>
    /// The run was cancelled before this file was committed (not started, or its read abandoned): nothing of it
    /// written, a re-run does it.
    /// </summary>
    Cancelled,
}
