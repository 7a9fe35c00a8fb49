using System.Reflection;

namespace Potiron.Fast.Cli;

/// <summary>
/// The version text: the entry assembly's informational version (version+commit), the rule System.CommandLine's
/// <c>--version</c> follows, so that a benchmark result names the build exactly as <c>potiron --version</c> does.
/// </summary>
internal static class ToolVersion
{
    public static string Text { get; } = Read();

    private static string Read()
    {
        var assembly = Assembly.GetEntryAssembly() ?? typeof(ToolVersion).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "1.0";
    }
}
