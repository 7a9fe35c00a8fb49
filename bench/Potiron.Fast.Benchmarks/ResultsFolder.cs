using System.Globalization;
using System.Text.RegularExpressions;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// Where results go: <c>bench/results/&lt;YYYY-MM-DD&gt;-&lt;machine&gt;/</c>, the same folder that <c>bench/compare.sh</c>
/// uses on the same day and machine. Nothing is ever overwritten: when the folder already holds this kind of
/// result, the next free <c>-2</c>, <c>-3</c> ... suffix is taken.
/// </summary>
public static partial class ResultsFolder
{
    /// <summary>The folder for a result named <paramref name="entry"/> (a file or a subfolder of the results folder).</summary>
    public static string Choose(string repositoryRoot, string entry)
    {
        var results = Path.Combine(repositoryRoot, "bench", "results");
        var stem = $"{DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}-{MachineName()}";
        for (var suffix = 1; ; suffix++)
        {
            var folder = Path.Combine(results, suffix == 1 ? stem : $"{stem}-{suffix}");
            if (!Path.Exists(Path.Combine(folder, entry)))
                return folder;
        }
    }

    /// <summary>
    /// <c>BENCH_MACHINE</c>, or the core count and the CPU model: "2c-intel-xeon" for two cores of an
    /// "Intel(R) Xeon(R) Processor". bench/compare.sh derives the same name the same way.
    /// </summary>
    public static string MachineName()
    {
        if (Environment.GetEnvironmentVariable("BENCH_MACHINE") is { Length: > 0 } given)
            return given;
        var model = "unknown-cpu";
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
                model = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        catch (IOException)
        {
            // Not Linux: the model stays unknown.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return $"{Environment.ProcessorCount}c-{Slug(model)}";
    }

    public static string Slug(string cpuModel)
    {
        var text = cpuModel.ToLowerInvariant().Replace("(r)", " ", StringComparison.Ordinal).Replace("(tm)", " ", StringComparison.Ordinal);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
            text = text[..at];
        text = Words().Replace(text, " ");
        text = NotAlphanumeric().Replace(text, "-").Trim('-');
        return text.Length == 0 ? "unknown-cpu" : text;
    }

    /// <summary>The repository root: the first folder upwards, from the current one or this program's, with Potiron.Fast.sln.</summary>
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Potiron.Fast.sln")))
                    return folder.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (no Potiron.Fast.sln above the current folder); give --results DIR");
    }

    [GeneratedRegex(@"\b(cpu|processor)\b")]
    private static partial Regex Words();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAlphanumeric();
}
