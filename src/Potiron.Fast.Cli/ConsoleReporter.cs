using Potiron.Fast.Ingest;

namespace Potiron.Fast.Cli;

/// <summary>
/// Progress for a person: a live counter on an interactive terminal, plain milestone lines otherwise (logs, CI),
/// one line per finished file in both cases; everything on standard error, so standard output stays machine-readable.
/// </summary>
internal sealed class ConsoleReporter(bool quiet) : IIngestProgress
{
    private readonly bool _interactive = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";
    private readonly Lock _lock = new();
    private long _packets;
    private long _bytes;
    private long _lastDraw;
    private bool _lineDirty;

    public void FileStarted(string path)
    {
    }

    public void PacketsRead(long packets, long bytes)
    {
        var total = Interlocked.Add(ref _packets, packets);
        Interlocked.Add(ref _bytes, bytes);
        if (quiet || !_interactive)
            return;
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastDraw) < 200)
            return;
        Interlocked.Exchange(ref _lastDraw, now);
        lock (_lock)
        {
            Console.Error.Write($"\r{total:N0} packets, {Interlocked.Read(ref _bytes) / 1e6:N1} MB read   ");
            _lineDirty = true;
        }
    }

    public void FileFinished(FileResult result)
    {
        if (quiet)
            return;
        lock (_lock)
        {
            ClearLine();
            var what = result.Outcome switch
            {
                FileOutcome.Imported => $"imported: {result.Packets:N0} packets, {result.PacketsCounted:N0} counted",
                FileOutcome.ImportedDamaged => $"imported what could be read: {result.Packets:N0} packets, {result.PacketsCounted:N0} counted",
                FileOutcome.AlreadyImported => "skipped",
                FileOutcome.Cancelled => "not done",
                _ => "FAILED",
            };
            Console.Error.WriteLine($"potiron: {result.Path}: {what}");
            if (result.Problem is not null)
                Console.Error.WriteLine($"potiron: {result.Problem}");
            foreach (var warning in result.Warnings)
                Console.Error.WriteLine($"potiron: {warning}");
            foreach (var note in result.Notes)
                Console.Error.WriteLine($"potiron: {result.Path}: {note}");
        }
    }

    public void Notice(string message)
    {
        if (quiet)
            return;
        lock (_lock)
        {
            ClearLine();
            Console.Error.WriteLine($"potiron: {message}");
        }
    }

    public void Finish()
    {
        lock (_lock)
            ClearLine();
    }

    private void ClearLine()
    {
        if (!_lineDirty)
            return;
        Console.Error.Write("\r" + new string(' ', 60) + "\r");
        _lineDirty = false;
    }
}
