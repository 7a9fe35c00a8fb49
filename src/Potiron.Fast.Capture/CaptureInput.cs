namespace Potiron.Fast.Capture;

/// <summary>One capture to read: a file, or standard input ("-").</summary>
/// <param name="Path">The path to open, or "-" for standard input. For a file whose name is not valid UTF-8, the
/// path's text with <c>\xHH</c> for the invalid bytes (see <see cref="NativePath"/>).</param>
/// <param name="DisplayName">How to name it in messages: the path as found, with control characters (a newline in a
/// file name) written <c>\xHH</c> so that a message stays on one line; or "standard input".</param>
/// <param name="BaseName">The file name without directories ("-" for standard input): what potiron derives
/// the capture's date and name from.</param>
public sealed record CaptureInput(string Path, string DisplayName, string BaseName)
{
    public const string StandardInputArgument = "-";

    public static CaptureInput StandardInput { get; } = new(StandardInputArgument, "standard input", StandardInputArgument);

    /// <summary>
    /// The path in bytes, for a file whose name is not valid UTF-8 (which <see cref="Path"/> cannot name); null otherwise.
    /// </summary>
    public byte[]? NativePath { get; init; }

    public bool IsStandardInput => Path == StandardInputArgument;

    public static CaptureInput ForFile(string path) => new(path, Printable(path), System.IO.Path.GetFileName(path));

    /// <summary>A file found by its bytes: <paramref name="text"/> is its path in text (<see cref="NativeFileNames.ToText"/>).</summary>
    internal static CaptureInput ForNativeFile(byte[] nativePath, string text) =>
        new(text, Printable(text), System.IO.Path.GetFileName(text)) { NativePath = nativePath };

    /// <summary>Opens a reader on this input (standard input is read as a stream, without seeking).</summary>
    /// <param name="readAhead">A file is read (and decompressed) on a thread of its own (not standard input).</param>
    public CaptureFileReader OpenReader(bool readAhead = false) =>
        IsStandardInput ? CaptureFileReader.Open(Console.OpenStandardInput(), DisplayName)
        : NativePath is not null ? CaptureFileReader.Open(DisplayName, () => NativeFileNames.OpenRead(NativePath), readAhead)
        : CaptureFileReader.Open(DisplayName, () => CaptureFileReader.OpenFile(Path), readAhead);

    /// <summary>The text with each control character as <c>\xHH</c>.</summary>
    public static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
            return text;
        return string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
    }
}
