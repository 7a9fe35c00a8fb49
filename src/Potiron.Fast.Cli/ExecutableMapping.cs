using System.Globalization;
using System.Runtime.InteropServices;

namespace Potiron.Fast.Cli;

/// <summary>
/// Gives back the pages of our own code that start-up mapped and a long run does not use. The Native AOT executable is
/// 41 MB; command-line parsing, the runtime's start and the kernel's fault-around (each fault maps the pages around it
/// too) leave about 17 MiB of it resident, a quarter of a 20-file run's peak RSS and more than the C anchor's whole
/// process. Dropping the mappings costs nothing but a fault for each page the run touches again, from the page cache.
/// </summary>
/// <remarks>
/// Only read-only file mappings that hold nothing but the file's own bytes are dropped: a page the process wrote
/// (relocations, copied on write) would go back to the file's contents, so a mapping with any such page is left whole.
/// Linux only; elsewhere, and whenever /proc cannot be read, nothing happens.
/// </remarks>
internal static partial class ExecutableMapping
{
    private const int MadviseDontNeed = 4;

    /// <summary>Drops the clean read-only mappings of the executable and of the assemblies beside it; returns the bytes that were resident in them.</summary>
    public static long Release()
    {
        if (!OperatingSystem.IsLinux())
            return 0;
        try
        {
            return Release(File.ReadLines("/proc/self/smaps"), OwnFiles());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The executable and the files of the application's folder (a ReadyToRun build maps its code from the assemblies).</summary>
    private static Func<string, bool> OwnFiles()
    {
        var executable = Environment.ProcessPath is { } path ? Path.GetFullPath(path) : null;
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(AppContext.BaseDirectory)) + Path.DirectorySeparatorChar;
        return file => file == executable || file.StartsWith(folder, StringComparison.Ordinal);
    }

    internal static long Release(IEnumerable<string> smaps, Func<string, bool> isOwn)
    {
        long released = 0;
        foreach (var mapping in Mappings(smaps))
        {
            if (!mapping.IsCleanReadOnly || !isOwn(mapping.File) || mapping.ResidentBytes == 0)
                continue;
            if (madvise(mapping.Start, (nuint)(mapping.End - mapping.Start), MadviseDontNeed) == 0)
                released += mapping.ResidentBytes;
        }
        return released;
    }

    /// <summary>The mappings of an smaps listing: a header line per mapping, then "Name: value kB" lines.</summary>
    internal static IEnumerable<Mapping> Mappings(IEnumerable<string> smaps)
    {
        Mapping? current = null;
        foreach (var line in smaps)
        {
            if (TryParseHeader(line, out var header))
            {
                if (current is not null)
                    yield return current;
                current = header;
                continue;
            }
            if (current is null)
                continue;
            var colon = line.IndexOf(':');
            if (colon <= 0 || !line.EndsWith(" kB", StringComparison.Ordinal))
                continue;
            if (!long.TryParse(line.AsSpan(colon + 1, line.Length - colon - 4).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes))
                continue;
            switch (line.AsSpan(0, colon))
            {
                case "Rss":
                    current.ResidentBytes = kilobytes * 1024;
                    break;
                case "Private_Dirty":
                case "Shared_Dirty":
                case "Anonymous":
                    // The same written page shows in several of these: the largest is a lower bound of them all.
                    current.WrittenBytes = Math.Max(current.WrittenBytes, kilobytes * 1024);
                    break;
            }
        }
        if (current is not null)
            yield return current;
    }

    // "55ad4afbd000-55ad4c785000 r-xp 00026000 fe:00 5392023    /path/to/file"
    private static bool TryParseHeader(string line, out Mapping mapping)
    {
        mapping = null!;
        var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 6 || parts[1].Length != 4 || !parts[5].StartsWith('/'))
            return false;
        var dash = parts[0].IndexOf('-');
        if (dash <= 0
            || !ulong.TryParse(parts[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(parts[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end))
            return false;
        mapping = new Mapping((nint)start, (nint)end, parts[1], parts[5].TrimEnd());
        return true;
    }

    internal sealed class Mapping(nint start, nint end, string permissions, string file)
    {
        public nint Start { get; } = start;
        public nint End { get; } = end;
        public string Permissions { get; } = permissions;
        public string File { get; } = file;
        public long ResidentBytes { get; set; }
        /// <summary>Pages the process wrote (copied on write), which dropping would lose.</summary>
        public long WrittenBytes { get; set; }

        public bool IsCleanReadOnly => Permissions[1] == '-' && Permissions[3] == 'p' && WrittenBytes == 0;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);
}
