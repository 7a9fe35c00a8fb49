namespace Potiron.Fast.Cli;

/// <summary>The documented exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The run finished, but some inputs failed (the others were done).</summary>
    public const int SomeInputsFailed = 1;
    /// <summary>Bad options, or a fatal problem (the store cannot be used).</summary>
    public const int Usage = 2;
}
