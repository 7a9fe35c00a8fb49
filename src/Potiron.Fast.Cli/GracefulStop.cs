using System.Runtime.InteropServices;

namespace Potiron.Fast.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM during <c>potiron ingest</c>: the first one cancels <see cref="Token"/>, so the run stops
/// taking files, finishes or abandons the file in flight, prints its stats and exits with <see cref="ExitCode"/>. A second
/// signal is left to the runtime's default action, which ends the process at once: a user who insists gets the prompt back,
/// and the store stays consistent even then, since each file's commit is one transaction.
/// </summary>
/// <remarks>
/// System.CommandLine's own handler is switched off for this command (Program.cs): it cancels the action's token too,
/// but returns from <c>InvokeAsync</c> once its timeout has passed even if the action is still committing, and it does not
/// tell the action which signal came.
/// </remarks>
internal sealed class GracefulStop : IDisposable
{
    private readonly CancellationTokenSource source;
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private int signalled;

    private GracefulStop(CancellationToken outer)
    {
        source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM, or by <paramref name="outer"/>.</summary>
    public static GracefulStop Register(CancellationToken outer) => new(outer);

    public CancellationToken Token => source.Token;

    /// <summary>The signal that stopped the run, if one did.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>The shell's convention, 128 + the signal number: 130 after SIGINT, 143 after SIGTERM.</summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>What the stats block and the messages call the stop.</summary>
    public string Describe() => Signal switch
    {
        PosixSignal.SIGINT => "SIGINT",
        PosixSignal.SIGTERM => "SIGTERM",
        _ => "cancellation",
    };

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        source.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Exchange(ref signalled, 1) != 0)
            return; // the second signal: not cancelled, so the runtime ends the process
        context.Cancel = true;
        Signal = context.Signal;
        // Not Cancel(): that would run the token's callbacks on the signal thread.
        _ = source.CancelAsync();
    }
}
