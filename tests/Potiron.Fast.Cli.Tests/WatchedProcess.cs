using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// <c>potiron ARGS</c> as a separate process (like <see cref="PotironProcess"/>) whose output is read line by line as it
/// comes, so that a test can wait for a moment of the run ("the 8th file is committed") and then send it a signal.
/// </summary>
internal sealed class WatchedProcess : IAsyncDisposable
{
    /// <summary>A generous bound for any one wait: the runner may share its two cores with fuzzers.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly Process process;
    private readonly string commandLine;
    private readonly List<string> outputLines = [];
    private readonly List<string> errorLines = [];
    private readonly Lock linesLock = new();
    private readonly Task readers;
    private readonly List<TimeSpan> fileTimes = [];

    private WatchedProcess(Process process, string commandLine)
    {
        this.process = process;
        this.commandLine = commandLine;
        Started = Stopwatch.StartNew();
        readers = Task.WhenAll(ReadLinesAsync(process.StandardOutput, outputLines, countFiles: false),
            ReadLinesAsync(process.StandardError, errorLines, countFiles: true));
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The process's standard input, for <c>-i -</c>; dispose it to send end of file.</summary>
    public Stream StandardInput => process.StandardInput.BaseStream;

    /// <summary>The standard error lines so far.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (linesLock)
                return errorLines.ToArray();
        }
    }

    /// <summary>Time since the start.</summary>
    public Stopwatch Started { get; }

    /// <summary>Files reported done on standard error so far (imported or skipped, the lines printed after each commit).</summary>
    public int FilesFinished
    {
        get
        {
            lock (linesLock)
                return fileTimes.Count;
        }
    }

    /// <summary>The mean time between two files reported done so far (null before the second one).</summary>
    public TimeSpan? MeanFileInterval
    {
        get
        {
            lock (linesLock)
                return fileTimes.Count < 2 ? null : (fileTimes[^1] - fileTimes[0]) / (fileTimes.Count - 1);
        }
    }

    public static WatchedProcess Start(IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(PotironProcess.AssemblyPath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + start.FileName);
        return new WatchedProcess(process, "potiron " + string.Join(' ', start.ArgumentList.Skip(2)));
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test if the process ends first or it takes too long.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (process.HasExited)
            {
                // Its last lines may still be on their way through the pipe.
                var run = await WaitAsync();
                if (await condition())
                    return;
                Assert.Fail($"{commandLine} ended before {what}:\n{run}");
            }
            if (clock.Elapsed > Patience)
                Assert.Fail($"{commandLine}: no {what} within {Patience.TotalSeconds:0} s:\n{Snapshot()}");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    public Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Sends a signal by name (<c>INT</c>, <c>TERM</c>) through <c>kill</c>, with an argument list.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill");
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(kill.ExitCode == 0 || process.HasExited, $"kill -{signal} {Id} failed with {kill.ExitCode}");
    }

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public async Task KillAsync()
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
        await process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Waits for the exit; kills and fails after <see cref="Patience"/>.</summary>
    public async Task<PotironRun> WaitAsync()
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(Patience);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            await readers;
            Assert.Fail($"{commandLine} did not finish within {Patience.TotalSeconds:0} s.\n{Snapshot()}");
        }
        await readers;
        return Snapshot();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
            await KillAsync();
        await readers;
        process.Dispose();
    }

    private PotironRun Snapshot()
    {
        lock (linesLock)
        {
            return new PotironRun(commandLine, process.HasExited ? process.ExitCode : -1,
                string.Join('\n', outputLines) + "\n", string.Join('\n', errorLines) + "\n");
        }
    }

    private async Task ReadLinesAsync(StreamReader reader, List<string> lines, bool countFiles)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            // The per-file line (ConsoleReporter): "potiron: PATH: imported: ..." or "potiron: PATH: skipped".
            var fileDone = countFiles && line.StartsWith("potiron: ", StringComparison.Ordinal) &&
                (line.Contains(".cap: imported: ", StringComparison.Ordinal) || line.EndsWith(".cap: skipped", StringComparison.Ordinal));
            lock (linesLock)
            {
                lines.Add(line);
                if (fileDone)
                    fileTimes.Add(Started.Elapsed);
            }
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
