using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Potiron.Fast.Cli;

/// <summary>
/// Source-generated (no reflection at start-up) reading and writing of <see cref="BenchResult"/>. A baseline missing a
/// required member, or holding null where none is allowed, fails to load instead of comparing against zeros.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchResult))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The default encoder writes the '+' of "1.0.0+commit" as \u002B, a guard for JSON pasted into HTML; a result file
    /// is read by people and diffed, never embedded in a page.
    /// </summary>
    /// <remarks>Made on first use: a static initializer here would run before the generated one that sets <c>Default</c>.</remarks>
    public static BenchJsonContext Readable =>
        readable ??= new BenchJsonContext(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static BenchJsonContext? readable;
}
