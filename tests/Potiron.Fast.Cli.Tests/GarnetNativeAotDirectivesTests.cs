using System.Reflection;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using Garnet.server;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// Garnet.rd.xml (Native AOT only) must name the instantiations that Garnet's reflection-based JSON builds for every value
/// type among the properties of its command table; a Garnet upgrade that adds one would otherwise break the embedded
/// store of an AOT build only, where no other test runs.
/// </summary>
public sealed class GarnetNativeAotDirectivesTests
{
    [Fact]
    public void Directives_cover_every_value_type_of_garnets_command_table()
    {
        var root = RepositoryFolders.Root ?? throw new InvalidOperationException("The tests must run inside the checkout.");
        var directives = XDocument.Load(Path.Combine(root, "src", "Potiron.Fast.Cli", "Garnet.rd.xml"));
        var named = directives.Descendants().Where(e => e.Name.LocalName == "Type").Select(e => (string)e.Attribute("Name")!).ToHashSet(StringComparer.Ordinal);

        var valueTypes = PropertyValueTypes(typeof(RespCommandsInfo), typeof(RespCommandDocs), typeof(RespCommandKeySpecification), typeof(RespCommandArgumentBase));
        Assert.Contains(typeof(RespCommand), valueTypes);

        var missing = new List<string>();
        foreach (var type in valueTypes)
        {
            var argument = $"[[{type.FullName},{type.Assembly.GetName().Name}]]";
            var needed = new List<string>
            {
                "System.Text.Json.Serialization.Metadata.JsonPropertyInfo`1" + argument,
                "System.Text.Json.Serialization.Metadata.JsonTypeInfo`1" + argument,
            };
            if (type.IsEnum)
                needed.Add("System.Text.Json.Serialization.Converters.EnumConverter`1" + argument);
            missing.AddRange(needed.Where(n => !named.Contains(n)));
        }
        Assert.True(missing.Count == 0, "Garnet.rd.xml lacks:\n" + string.Join('\n', missing));
    }

    /// <summary>The value types of the serialized properties reachable from the roots (Garnet's own types only are walked).</summary>
    private static HashSet<Type> PropertyValueTypes(params Type[] roots)
    {
        var garnet = typeof(RespCommandsInfo).Assembly;
        var walked = new HashSet<Type>();
        var found = new HashSet<Type>();
        var pending = new Queue<Type>(roots.Concat(garnet.GetTypes().Where(t => !t.IsAbstract && roots.Any(r => r != t && r.IsAssignableFrom(t)))));
        while (pending.TryDequeue(out var type))
        {
            if (!walked.Add(type))
                continue;
            if (type.IsArray)
            {
                pending.Enqueue(type.GetElementType()!);
                continue;
            }
            if (type.IsValueType)
            {
                // A T? property would also need NullableConverter<T>, which the file does not name yet.
                Assert.True(Nullable.GetUnderlyingType(type) is null, $"Garnet's command table now has a {type} property: add NullableConverter`1 to Garnet.rd.xml and here");
                found.Add(type);
                continue;
            }
            if (type.Assembly != garnet || typeof(JsonConverter).IsAssignableFrom(type))
                continue;
            foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var serialized = property.GetCustomAttribute<JsonIgnoreAttribute>() is null
                    && (property.GetMethod?.IsPublic == true || property.GetCustomAttribute<JsonIncludeAttribute>() is not null);
                if (serialized)
                    pending.Enqueue(property.PropertyType);
            }
        }
        return found;
    }
}
