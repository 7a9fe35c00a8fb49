namespace Potiron.Fast.Capture;

/// <summary>One capture to read: a file, or standard input ("-").</summary>
/// <param name="Path">The path to open, or "-" for standard input.</param>
/// <param name="DisplayName">How to name it in messages: the path as found, or "standard input".</param>
/// <param name="BaseName">The file name without directories ("-" for standard input): what potiron derives
/// the capture's date and name from.</param>
public sealed record CaptureInput(string Path, string DisplayName, string BaseName)
{
    public const string StandardInputArgument = "-";

    public static CaptureInput StandardInput { get; } = new(StandardInputArgument, "standard input", StandardInputArgument);

    public bool IsStandardInput => Path == StandardInputArgument;

    public static CaptureInput ForFile(string path) => new(path, path, System.IO.Path.GetFileName(path));

    /// <summary>Opens a reader on this input (standard input is read as a stream, without seeking).</summary>
    public CaptureFileReader OpenReader() =>
        IsStandardInput ? CaptureFileReader.Open(Console.OpenStandardInput(), DisplayName) : CaptureFileReader.Open(Path);
}
