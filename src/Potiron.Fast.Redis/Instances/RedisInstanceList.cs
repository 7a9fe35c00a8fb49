using System.Text.Json;
using System.Text.Json.Nodes;

namespace Potiron.Fast.Redis.Instances;

/// <summary>
/// <c>redis_backends/backends.json</c>: the names of the instances, in order, as
/// <c>{ "redis_backends": [ "standard", "isn" ] }</c> (the shape of the original's <c>lib/redis_backends.json</c>, kept
/// beside the instances instead of inside the program). It cannot clash with an instance folder: names have no dot.
/// </summary>
internal static class RedisInstanceList
{
    public const string FileName = "backends.json";

    private const string Property = "redis_backends";

    /// <summary>The instances that exist until the list is first written.</summary>
    public static readonly IReadOnlyList<string> Defaults = ["standard", "isn"];

    /// <summary>The names in the file, or null when there is no file yet.</summary>
    public static IReadOnlyList<string>? TryRead(string backendsFolder)
    {
        var path = Path.Combine(backendsFolder, FileName);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        var names = new List<string>();
        try
        {
            if (JsonNode.Parse(text) is not JsonObject root || root[Property] is not JsonArray array)
                throw new RedisInstanceUsageException($"{path} must be an object with a list \"{Property}\" of instance names.");
            foreach (var item in array)
            {
                var name = item is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
                if (!RedisInstanceName.TryValidate(name, out var error))
                    throw new RedisInstanceUsageException($"{path} lists a bad name: {error}");
                if (!names.Contains(name!, StringComparer.Ordinal))
                    names.Add(name!);
            }
        }
        catch (JsonException e)
        {
            throw new RedisInstanceUsageException($"{path} is not valid JSON: {e.Message}");
        }
        return names;
    }

    public static void Write(string backendsFolder, IEnumerable<string> names)
    {
        var root = new JsonObject { [Property] = new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()) };
        var text = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2 }) + "\n";
        RedisInstanceConfig.WriteAtomically(Path.Combine(backendsFolder, FileName), text);
    }
}
