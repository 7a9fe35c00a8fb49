using System.Diagnostics;
using System.Text;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// The built <c>potiron</c> run as a user runs it: a separate process (<c>dotnet exec potiron.dll ARGS</c>, an argument
/// list, never a shell), with its standard output, standard error and exit code captured and a timeout that kills it.
/// The CLI project's output is copied beside the test assembly by the project reference, so the program under test is
/// always the one just built.
/// </summary>
internal sealed class PotironProcess : IAsyncDisposable
{
    /// <summary>Long enough for a cold start on a loaded 2-core runner; a hung process fails the test instead of the run.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly Task<string> standardOutput;
    private readonly Task<string> standardError;
    private readonly string? ownedWorkingDirectory;
    private readonly string commandLine;

    private PotironProcess(Process process, string? ownedWorkingDirectory, string commandLine)
    {
        this.process = process;
        this.ownedWorkingDirectory = ownedWorkingDirectory;
        this.commandLine = commandLine;
        // Both pipes are drained from the start, so a chatty process never blocks on a full pipe.
        standardOutput = process.StandardOutput.ReadToEndAsync();
        standardError = process.StandardError.ReadToEndAsync();
    }

    /// <summary>util-linux's <c>setpriv</c>, which runs a program under another user id; null when missing.</summary>
    public static string? SetprivOrNull => new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);

    private static string Setpriv => SetprivOrNull ?? throw new InvalidOperationException("setpriv (util-linux) is missing.");

    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "potiron.dll");

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The process's standard input, for <c>-i -</c>; dispose it to send end of file.</summary>
    public Stream StandardInput => process.StandardInput.BaseStream;

    /// <summary>
    /// Starts <c>potiron ARGS</c>. Without <paramref name="workingDirectory"/> it runs in a fresh empty folder (deleted
    /// afterwards), so that a forgotten <c>-u</c> can never leave <c>./potiron-data</c> in the checkout.
    /// </summary>
    /// <param name="unprivileged">
    /// Run as the user <c>nobody</c> (through <c>setpriv</c>) when the tests run as root, for what only an ordinary user
    /// meets: permissions that refuse a read.
    /// </param>
    public static PotironProcess Start(IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null, bool unprivileged = false)
    {
        if (!File.Exists(AssemblyPath))
            throw new InvalidOperationException($"{AssemblyPath} is missing: the test project must reference src/Potiron.Fast.Cli.");
        string? owned = null;
        if (workingDirectory is null)
        {
            owned = Path.Combine(Path.GetTempPath(), "potiron-cli-cwd-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(owned);
        }
        var dropPrivileges = unprivileged && Environment.IsPrivilegedProcess;
        var start = new ProcessStartInfo(dropPrivileges ? Setpriv : DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? owned,
        };
        if (dropPrivileges)
        {
            foreach (var argument in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "--", DotnetHost()])
                start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // Plain output whatever the runner's terminal: no colours, no live counter.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + start.FileName);
        return new PotironProcess(process, owned, "potiron " + string.Join(' ', start.ArgumentList.SkipWhile(a => a != "exec").Skip(2)));
    }

    /// <summary>Runs <c>potiron ARGS</c> to the end, feeding <paramref name="standardInput"/> (or an immediate end of file).</summary>
    public static async Task<PotironRun> RunAsync(IEnumerable<string> arguments, byte[]? standardInput = null,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null,
        bool unprivileged = false)
    {
        await using var running = Start(arguments, workingDirectory, environment, unprivileged);
        try
        {
            await using var input = running.StandardInput;
            if (standardInput is not null)
                await input.WriteAsync(standardInput, TestContext.Current.CancellationToken);
        }
        catch (IOException)
        {
            // The process ended without reading its input (a usage error, say): its output tells why.
        }
        return await running.WaitAsync(timeout ?? DefaultTimeout);
    }

    public static Task<PotironRun> RunAsync(params string[] arguments) => RunAsync((IEnumerable<string>)arguments);

    /// <summary>Waits for the exit; on timeout kills the process and fails with what it printed so far.</summary>
    public async Task<PotironRun> WaitAsync(TimeSpan timeout)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"{commandLine} did not finish within {timeout.TotalSeconds:0} s.\nstdout:\n{await standardOutput}\nstderr:\n{await standardError}");
        }
        return new PotironRun(commandLine, process.ExitCode, await standardOutput, await standardError);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
        process.Dispose();
        if (ownedWorkingDirectory is not null)
            Directory.Delete(ownedWorkingDirectory, recursive: true);
    }

    /// <summary>The <c>dotnet</c> that runs the tests (<c>dotnet test</c> sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

/// <summary>What one run printed and returned. <see cref="ToString"/> is the whole story, for assertion messages.</summary>
internal sealed record PotironRun(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public IReadOnlyList<string> ErrorLines =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> OutputLines =>
        StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() =>
        $"{CommandLine}\nexit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}
