using Xunit;

namespace Potiron.Fast.TestSupport;

/// <summary>
/// The real captures in ../shared/captures beside the repository, read in place (never copied into the repository),
/// and their MANIFEST.tsv. Tests that need them skip when the folder is absent.
/// </summary>
public static class SharedCaptures
{
    /// <summary>The captures folder (<c>../shared/captures</c> from the repository root), or null.</summary>
    public static string? FindDirectory() =>
        RepositoryFolders.Shared is { } shared && Path.Combine(shared, "captures") is var captures && Directory.Exists(captures)
            ? captures
            : null;

    /// <summary>The captures folder, or a dynamic skip of the calling test.</summary>
    public static string RequireDirectory() =>
        FindDirectory() ?? throw SkipException("../shared/captures not found: the real-capture tests need it beside the repository");

    public static string RequireFile(string name)
    {
        string path = Path.Combine(RequireDirectory(), name);
        return File.Exists(path) ? path : throw SkipException($"../shared/captures/{name} not found");
    }

    /// <summary>The rows of MANIFEST.tsv, or a dynamic skip.</summary>
    public static IReadOnlyList<CaptureManifestEntry> RequireManifest()
    {
        string path = Path.Combine(RequireDirectory(), "MANIFEST.tsv");
        if (!File.Exists(path))
        {
            throw SkipException("../shared/captures/MANIFEST.tsv not found");
        }

        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split('\t');
        var entries = new List<CaptureManifestEntry>();
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            string[] cells = line.Split('\t');
            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Length && i < cells.Length; i++)
            {
                columns[header[i]] = cells[i];
            }

            entries.Add(new CaptureManifestEntry(
                columns["name"],
                Path.Combine(Path.GetDirectoryName(path)!, columns["name"]),
                columns.GetValueOrDefault("file_format", ""),
                columns.GetValueOrDefault("link_types", ""),
                long.TryParse(columns.GetValueOrDefault("packets"), out long packets) ? packets : null,
                columns));
        }

        return entries;
    }

    private static Exception SkipException(string reason)
    {
        Assert.Skip(reason);
        return new InvalidOperationException("unreachable: Assert.Skip throws");
    }
}

/// <summary>One row of MANIFEST.tsv. <see cref="Packets"/> is null for the files tshark cannot read.</summary>
public sealed record CaptureManifestEntry(
    string Name,
    string FullPath,
    string FileFormat,
    string LinkTypes,
    long? Packets,
    IReadOnlyDictionary<string, string> Columns)
{
    public override string ToString() => Name;
}
