namespace Potiron.Fast.Redis.Instances;

/// <summary>
/// The rule for an instance name. A name becomes a folder and the stem of file names (<c>NAME/NAME.conf</c>,
/// <c>NAME.sock</c>, <c>NAME.rdb</c> …) and is written unquoted into the config, so it is kept to letters, digits,
/// <c>_</c> and <c>-</c>: no separator, no <c>.</c> or <c>..</c>, no space or quote, nothing a shell or redis's config
/// parser reads specially. It must not begin with <c>-</c>, which the command line reads as an option.
/// </summary>
public static class RedisInstanceName
{
    public static bool IsValid(string? name) => TryValidate(name, out _);

    public static bool TryValidate(string? name, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(name))
        {
            error = "An instance name cannot be empty.";
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                error = $"'{Printable(name)}' is not a valid instance name: it becomes a folder and file names, so it may hold only " +
                        "letters A-Z a-z, digits, '_' and '-'.";
                return false;
            }
        }
        if (name[0] == '-')
        {
            error = $"'{name}' is not a valid instance name: it must not begin with '-' (the command line would read it as an option).";
            return false;
        }
        return true;
    }

    /// <summary>Throws <see cref="RedisInstanceUsageException"/> with the rule when <paramref name="name"/> breaks it.</summary>
    public static void Validate(string? name)
    {
        if (!TryValidate(name, out var error))
            throw new RedisInstanceUsageException(error!);
    }

    /// <summary>Control characters (a newline in a name given by a script) shown as escapes, so the message stays one line.</summary>
    private static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
