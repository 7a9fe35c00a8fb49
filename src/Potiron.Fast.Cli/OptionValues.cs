using System.CommandLine;

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
}
