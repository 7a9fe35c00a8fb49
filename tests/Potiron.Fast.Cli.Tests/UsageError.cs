namespace Potiron.Fast.Cli.Tests;

/// <summary>What every usage error must look like: exit code 2, one line on standard error, no stack trace, nothing on
/// standard output, nothing created in the working folder.</summary>
internal static class UsageError
{
    /// <summary>The hint System.CommandLine's parse errors end with; not counted as a line of its own.</summary>
    public const string HelpHint = "Try 'potiron --help'.";

    public static async Task<PotironRun> AssertAsync(string expected, string[] arguments,
        IReadOnlyDictionary<string, string?>? environment = null, bool unprivileged = false,
        StringComparison comparison = StringComparison.Ordinal)
    {
        using var workingFolder = new TempFolder();
        var run = await PotironProcess.RunAsync(arguments, workingDirectory: workingFolder.Path, environment: environment, unprivileged: unprivileged);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain("   at ", run.StandardError);
        Assert.DoesNotContain("Exception", run.StandardError);
        var errors = run.ErrorLines.Where(l => l != HelpHint).ToList();
        Assert.True(errors.Count == 1, $"expected one error line\n{run}");
        Assert.StartsWith("potiron: ", errors[0]);
        Assert.True(errors[0].Contains(expected, comparison), $"expected \"{expected}\" in the error line\n{run}");
        Assert.Equal("", run.StandardOutput);
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingFolder.Path));
        return run;
    }
}
