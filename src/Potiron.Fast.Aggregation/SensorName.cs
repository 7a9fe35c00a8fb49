namespace Potiron.Fast.Aggregation;

/// <summary>
/// The rule for a sensor name, which begins every key: <c>{sensor}:{day}:{field}</c>,
/// <c>{sensor}:{protocol}:{day}:{field}</c>, <c>{sensor}_DAYS</c>. A name with <c>:</c> would make a simple key
/// read as a combined one (<c>a:b:20240314:dport</c> is sensor <c>a:b</c>, or sensor <c>a</c> and protocol <c>b</c>),
/// and the original's tools split keys on <c>:</c>; a control character (a newline in a file name) or an empty name
/// breaks every line-oriented tool and message. Such a name is refused, never rewritten: two files would otherwise
/// share a sensor by accident. Everything else is kept as the original keeps it (spaces, quotes, <c>$</c>, <c>_</c>,
/// non-ASCII letters, and the <c>\xHH</c> text of bytes that are not valid UTF-8).
/// </summary>
public static class SensorName
{
    public static bool IsValid(string? sensor) => TryValidate(sensor, out _);

    /// <summary>False, with the one-line reason, when <paramref name="sensor"/> would break the key layout.</summary>
    public static bool TryValidate(string? sensor, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(sensor))
            error = "the sensor name is empty";
        else if (sensor.Contains(':', StringComparison.Ordinal))
            error = $"the sensor name '{PrintableText.Of(sensor)}' holds ':', which separates the parts of potiron's keys ({{sensor}}:{{day}}:{{field}})";
        else if (sensor.Any(char.IsControl))
            error = $"the sensor name '{PrintableText.Of(sensor)}' holds a control character";
        return error is null;
    }
}
