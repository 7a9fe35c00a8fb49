namespace Potiron.Fast.Cli;

/// <summary>The documented exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The run finished, but some inputs failed (the others were done).</summary>
    public const int SomeInputsFailed = 1;
    /// <summary>Bad options, or a fatal problem (the store cannot be used).</summary>
    public const int Usage = 2;
    /// <summary><c>potiron ingest</c> stopped by SIGINT (Ctrl+C) after a graceful stop: 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;
    /// <summary><c>potiron ingest</c> stopped by SIGTERM after a graceful stop: 128 + 15.</summary>
    public const int Terminated = 143;
}
