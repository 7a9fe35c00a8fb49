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

    private static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        MatchType = MatchType.Simple,
    };

    /// <summary>
    /// Expands the arguments in order. A directory's files are sorted by path, ordinally, so runs are repeatable.
    /// An argument that names nothing gives the error "The filename ARG was not found" and the others go on.
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
                var found = new List<string>();
                foreach (string path in Directory.EnumerateFiles(argument, "*", Walk))
                {
                    if (IsCaptureFileName(Path.GetFileName(path)))
                    {
                        found.Add(path);
                    }
                }

                found.Sort(StringComparer.Ordinal);
                inputs.AddRange(found.Select(CaptureInput.ForFile));
            }
            else
            {
                problems.Add($"The filename {argument} was not found");
            }
        }

        errors = problems;
        return inputs;
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
