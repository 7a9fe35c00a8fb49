namespace Potiron.Fast.TestSupport;

/// <summary>
/// The repository root (the folder that holds <c>Potiron.Fast.sln</c>, found by walking up from the test binaries) and
/// the <c>shared</c> folder beside it (oracle dumps, captures, Python tools), which CI copies next to the clone.
/// </summary>
public static class RepositoryFolders
{
    public const string SolutionFileName = "Potiron.Fast.sln";

    private static readonly Lazy<string?> RootFolder = new(() =>
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
                return folder.FullName;
        }
        return null;
    });

    /// <summary>The repository root, or null when the tests run outside a checkout.</summary>
    public static string? Root => RootFolder.Value;

    /// <summary><c>&lt;root&gt;/../shared</c> when it exists, else null.</summary>
    public static string? Shared =>
        Root is { } root && Path.GetFullPath(Path.Combine(root, "..", "shared")) is var shared && Directory.Exists(shared) ? shared : null;

    /// <summary>A file below <c>shared</c>, or null when <c>shared</c> or the file is missing.</summary>
    public static string? SharedFile(params string[] parts) =>
        Shared is { } shared && Path.Combine([shared, .. parts]) is var path && File.Exists(path) ? path : null;
}
