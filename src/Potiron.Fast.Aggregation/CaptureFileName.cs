namespace Potiron.Fast.Aggregation;

/// <summary>
/// What potiron derives from a capture's file name (reference §2.1): the basename stored in <c>FILES</c>,
/// the sensor name that prefixes every key, and the "filename day" always added to <c>{sensor}_DAYS</c>.
/// </summary>
/// <remarks>
/// A basename that splits on <c>-</c> into exactly four parts (<c>prefix-sensor-instance-date.ext</c>) gives the
/// sensor <c>prefix-sensor-instance</c>, as in the original. Any other name made the original use the literal
/// <c>None</c>; here (a deliberate fix) the sensor is the basename without its capture extensions, and
/// <see cref="Warning"/> says so. The filename day keeps the original rule in every case (last <c>-</c> part, cut at
/// the first <c>.</c>, first 8 characters; <c>my_capture.cap</c> gives <c>my_captu</c>), because it is what the
/// original writes into <c>_DAYS</c> and a re-import must not add a second, different day for the same file.
/// A sensor override (<c>--sensor NAME</c>) replaces the derived sensor for every file and silences the warning.
/// A sensor that breaks <see cref="SensorName"/>'s rule (<c>:</c>, a control character, empty) is not used:
/// <see cref="Problem"/> says why, and the file is not read.
/// </remarks>
public sealed record CaptureFileName(string FileName, string Sensor, string FileNameDay, string? Warning)
{
    // Longest first so that ".pcapng" is not taken for ".pcap" + "ng".
    private static readonly string[] CaptureExtensions = [".pcapng", ".pcap", ".cap"];
    private static readonly string[] CompressionExtensions = [".gz", ".lz4", ".zst"];

    /// <summary>True when the name has potiron's four-part form and the sensor was derived as the original does.</summary>
    public bool HasPotironForm { get; init; }

    /// <summary>Why the sensor cannot be used (the file must not be counted), or null.</summary>
    public string? Problem { get; init; }

    /// <summary>Derives the names for one input path; <paramref name="sensorOverride"/> (when not null) is the sensor for every file.</summary>
    public static CaptureFileName FromPath(string path, string? sensorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fileName = Path.GetFileName(path);
        var parts = fileName.Split('-');
        var hasPotironForm = parts.Length == 4;
        var day = FileNameDayOf(parts[^1]);

        if (sensorOverride is not null)
            return new CaptureFileName(fileName, sensorOverride, day, null) { HasPotironForm = hasPotironForm, Problem = ProblemOf(sensorOverride, null) };
        if (hasPotironForm)
        {
            var sensor = $"{parts[0]}-{parts[1]}-{parts[2]}";
            return new CaptureFileName(fileName, sensor, day, null) { HasPotironForm = true, Problem = ProblemOf(sensor, path) };
        }

        var stem = StripCaptureExtensions(fileName);
        var warning =
            $"Cannot derive sensor name from {PrintableText.Of(path)}: the name does not split into 4 parts on '-' " +
            $"(prefix-sensor-instance-date.cap); using sensor '{PrintableText.Of(stem)}' (the original used 'None'). " +
            "Use --sensor NAME to choose one.";
        return new CaptureFileName(fileName, stem, day, warning) { Problem = ProblemOf(stem, path) };
    }

    private static string? ProblemOf(string sensor, string? path)
    {
        if (SensorName.TryValidate(sensor, out var error))
            return null;
        return path is null
            ? $"not read: {error}."
            : $"not read: {error} (derived from the file name); rename the file or give --sensor NAME.";
    }

    /// <summary>
    /// The basename without one capture extension (<c>.cap</c>, <c>.pcap</c>, <c>.pcapng</c>), each optionally
    /// followed by one compression extension (<c>.gz</c>, <c>.lz4</c>, <c>.zst</c>); case is ignored. A name that would
    /// become empty, or that has no such extension, is returned unchanged.
    /// </summary>
    public static string StripCaptureExtensions(string fileName)
    {
        var stem = fileName.AsSpan();
        foreach (var compression in CompressionExtensions)
        {
            if (stem.EndsWith(compression, StringComparison.OrdinalIgnoreCase))
            {
                var inner = stem[..^compression.Length];
                if (EndsWithCaptureExtension(inner) > 0)
                    stem = inner;
                break;
            }
        }
        var captureLength = EndsWithCaptureExtension(stem);
        if (captureLength == 0 || captureLength == stem.Length)
            return fileName;
        return stem[..^captureLength].ToString();
    }

    private static int EndsWithCaptureExtension(ReadOnlySpan<char> name)
    {
        foreach (var extension in CaptureExtensions)
        {
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                return extension.Length;
        }
        return 0;
    }

    // day_from_filename: the last '-' part, cut at the first '.', first 8 characters (Python slicing: fewer if shorter).
    private static string FileNameDayOf(string lastPart)
    {
        var dot = lastPart.IndexOf('.', StringComparison.Ordinal);
        var beforeDot = dot < 0 ? lastPart : lastPart[..dot];
        return beforeDot.Length <= 8 ? beforeDot : beforeDot[..8];
    }
}
