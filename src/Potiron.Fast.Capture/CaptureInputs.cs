using System.IO.Enumeration;

namespace Potiron.Fast.Capture;

/// <summary>
/// Turns command-line arguments into the captures to read, with the original potiron's rules: "-" is standard
/// input, a file is taken whatever its name, a directory contributes the capture files below it.
/// </summary>
public static class CaptureInputs
{
    /// <summary>Name endings kept when walking a directory. "cap" needs no dot (the original's rule, so "x.pcap",
    /// "x.cap" and "xcap" alike); pcapng and the compressed forms of both are accepted too. Case-sensitive, as in
    /// the original.</summary>
    private static readonly string[] AcceptedEndings =
    [
        "cap", "cap.gz", "cap.lz4", "cap.zst",
        ".pcapng", ".pcapng.gz", ".pcapng.lz4", ".pcapng.zst",
    ];

    /// <summary>One folder at a time: the walk recurses itself, so that a folder it cannot read is reported, not skipped.</summary>
    private static readonly EnumerationOptions OneFolder = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        MatchType = MatchType.Simple,
    };

    /// <summary>
    /// Expands the arguments in order. A directory's files are sorted by path, ordinally, so runs are repeatable.
    /// An argument that names nothing gives the error "The filename ARG was not found", a folder that cannot be read
    /// "Cannot read the folder DIR: why", and the others go on. A file whose name is not valid UTF-8 is found and read
    /// by its bytes, and named with <c>\xHH</c> for the invalid bytes (<see cref="NativeFileNames"/>).
    /// </summary>
    public static IReadOnlyList<CaptureInput> Expand(IEnumerable<string> arguments, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var inputs = new List<CaptureInput>();
        var problems = new List<string>();
        foreach (string argument in arguments)
        {
            if (argument == CaptureInput.StandardInputArgument)
            {
                inputs.Add(CaptureInput.StandardInput);
            }
            else if (File.Exists(argument))
            {
                inputs.Add(CaptureInput.ForFile(argument));
            }
            else if (Directory.Exists(argument))
            {
                var found = new List<CaptureInput>();
                Walk(argument, found, problems);
                found.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
                inputs.AddRange(found);
            }
            else if (FindByBytes(argument) is { Count: > 0 } native)
            {
                // The command line gave a name that is not valid UTF-8, which .NET received with U+FFFD in it.
                inputs.AddRange(native);
            }
            else
            {
                problems.Add($"The filename {CaptureInput.Printable(argument)} was not found");
            }
        }

        errors = problems;
        return inputs;
    }

    /// <summary>
    /// Whether an argument can be read at all: null when it is standard input, a file that opens or a folder that lists;
    /// otherwise the one-line reason (the messages of <see cref="Expand"/>).
    /// </summary>
    public static string? Probe(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument == CaptureInput.StandardInputArgument)
            return null;
        try
        {
            if (File.Exists(argument))
            {
                using var file = CaptureFileReader.OpenFile(argument);
                return null;
            }
            if (Directory.Exists(argument))
            {
                using var entries = Directory.EnumerateFileSystemEntries(argument, "*", OneFolder).GetEnumerator();
                _ = entries.MoveNext();
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"Cannot read {CaptureInput.Printable(argument)}: {CaptureInput.Printable(e.Message)}";
        }
        return FindByBytes(argument) is { Count: > 0 } ? null : $"The filename {CaptureInput.Printable(argument)} was not found";
    }

    private static void Walk(string root, List<CaptureInput> found, List<string> problems)
    {
        var folders = new Stack<string>();
        folders.Push(root);
        while (folders.TryPop(out var folder))
        {
            List<(string Name, bool IsDirectory, bool IsLink)> entries;
            try
            {
                entries = [.. new FileSystemEnumerable<(string, bool, bool)>(folder,
                    (ref FileSystemEntry entry) => (entry.FileName.ToString(), entry.IsDirectory, (entry.Attributes & FileAttributes.ReparsePoint) != 0),
                    OneFolder)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"Cannot read the folder {CaptureInput.Printable(folder)}: {CaptureInput.Printable(e.Message)}");
                continue;
            }

            var listedByBytes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, isDirectory, isLink) in entries)
            {
                var path = Path.Join(folder, name);
                if (name.Contains('\uFFFD', StringComparison.Ordinal) && NativeFileNames.IsSupported && !Path.Exists(path))
                {
                    // Not valid UTF-8: .NET cannot open it by this name; list the folder by bytes below (once per name).
                    if (listedByBytes.Add(name))
                        found.AddRange(FindInFolder(folder, name, problems));
                }
                else if (isDirectory)
                {
                    // As Directory.EnumerateFiles: a link to a folder is neither listed nor followed (no loops).
                    if (!isLink)
                        folders.Push(path);
                }
                else if (IsCaptureFileName(name))
                {
                    found.Add(CaptureInput.ForFile(path));
                }
            }
        }
    }

    /// <summary>The capture files in <paramref name="folder"/> that .NET lists as <paramref name="listedName"/>.</summary>
    private static IEnumerable<CaptureInput> FindInFolder(string folder, string listedName, List<string>? problems)
    {
        foreach (var (name, isDirectory) in NativeFileNames.FindListed(folder, listedName))
        {
            var text = Path.Join(folder, NativeFileNames.ToText(name));
            if (isDirectory)
                problems?.Add($"The folder {CaptureInput.Printable(text)} is not walked: its name is not valid UTF-8; rename it or give the files in it.");
            else if (problems is null || IsCaptureFileName(Path.GetFileName(text)))
                yield return CaptureInput.ForNativeFile(NativeFileNames.Join(folder, name), text);
        }
    }

    /// <summary>The files an argument names when it holds U+FFFD (a name that is not valid UTF-8); empty otherwise.</summary>
    private static List<CaptureInput> FindByBytes(string argument)
    {
        var name = Path.GetFileName(argument);
        if (!NativeFileNames.IsSupported || !name.Contains('\uFFFD', StringComparison.Ordinal))
            return [];
        var folder = Path.GetDirectoryName(argument);
        return [.. FindInFolder(string.IsNullOrEmpty(folder) ? "." : folder, name, problems: null)];
    }

    /// <summary>Whether a directory walk keeps a file of this name.</summary>
    public static bool IsCaptureFileName(string fileName)
    {
        foreach (string ending in AcceptedEndings)
        {
            if (fileName.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
