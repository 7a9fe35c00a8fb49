namespace Potiron.Fast.Aggregation;

/// <summary>Names from the command line or the disk as messages show them: one line whatever they hold.</summary>
internal static class PrintableText
{
    /// <summary>The text with each control character (a newline in a file name) as <c>\xHH</c>.</summary>
    public static string Of(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString())) : text;
}
