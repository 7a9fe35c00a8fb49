using System.CommandLine;
using System.Globalization;

namespace Potiron.Fast.Cli;

/// <summary>Checks shared by the options that take several values.</summary>
internal static class OptionValues
{
    /// <summary>
    /// An option with several values per token (<c>-i a b</c>, <c>-ff ip.src ip.dst</c>) swallows every following token
    /// that is not a known option, a mistyped option too: <c>-i caps/ --jsno</c> would read a file "--jsno" and run.
    /// argparse, which the original uses, refuses such a token as an unknown option; so do we. A file whose name begins
    /// with '-' is given as <c>./-name</c>; a lone <c>-</c> (standard input) is a value.
    /// </summary>
    public static Option<string[]> RefuseOptionLikeValues(this Option<string[]> option)
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-')
                    result.AddError($"Unrecognized option '{token.Value}' (a file whose name begins with '-' is given as ./{token.Value}).");
            }
        });
        return option;
    }

    /// <summary>
    /// A size in bytes: a whole number, optionally followed by K, M or G (powers of 1024, case ignored, an optional B or
    /// iB after it); false for anything else or a size that does not fit 63 bits.
    /// </summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var span = text.AsSpan().Trim();
        if (span.EndsWith("iB", StringComparison.OrdinalIgnoreCase))
            span = span[..^2];
        else if (span.Length > 1 && char.IsLetter(span[^2]) && (span[^1] is 'B' or 'b'))
            span = span[..^1];
        var shift = 0;
        if (span.Length > 0 && char.ToUpperInvariant(span[^1]) is var unit && unit is 'K' or 'M' or 'G')
        {
            shift = unit switch { 'K' => 10, 'M' => 20, _ => 30 };
            span = span[..^1];
        }
        if (!long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue >> shift)
            return false;
        bytes = number << shift;
        return true;
    }
}
