using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Garnet;
using Garnet.server;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// The embedded store builds Garnet's settings itself (Garnet's command-line parser cannot run in a Native AOT build);
/// these must stay exactly what Garnet's own parser makes of the equivalent command line, defaults included.
/// </summary>
public sealed class EmbeddedGarnetOptionsTests
{
    public static TheoryData<string?, string?> Sizes => new()
    {
        { null, null },
        { "1g", "16m" },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Built_settings_equal_what_garnet_parses_from_the_equivalent_command_line(string? memory, string? index)
    {
        var options = new EmbeddedStoreOptions { MemorySize = memory, IndexSize = index };
        var directory = Path.Combine(Path.GetTempPath(), "potiron-garnet-options", "garnet");
        const int port = 45678;
        const string password = "0123456789ABCDEF";

        var built = EmbeddedGarnetStore.ServerOptions(options, directory, port, password);
        var parsed = ParseWithGarnet(EmbeddedGarnetStore.EquivalentArguments(options, directory, port, password));

        var expected = Render(parsed);
        var actual = Render(built);
        Assert.Equal(expected, actual);
        // The comparison does look inside: the password and the sizes are among the members compared.
        Assert.Contains(password, actual, StringComparison.Ordinal);
        if (memory is not null)
            Assert.Contains($"LogMemorySize = {memory}", actual, StringComparison.Ordinal);
    }

    /// <summary>What <c>new GarnetServer(string[])</c> does with its arguments, through Garnet's internal parser.</summary>
    private static GarnetServerOptions ParseWithGarnet(string[] arguments)
    {
        var host = typeof(GarnetServer).Assembly;
        var manager = host.GetType("Garnet.ServerSettingsManager", throwOnError: true)!;
        var tryParse = manager.GetMethod("TryParseCommandLineArguments", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("Garnet.ServerSettingsManager.TryParseCommandLineArguments is gone: update this test");
        var parameters = tryParse.GetParameters();
        var call = new object?[parameters.Length];
        call[0] = arguments;
        for (var i = 1; i < parameters.Length; i++)
            call[i] = parameters[i].HasDefaultValue ? parameters[i].DefaultValue : null;
        Assert.True((bool)tryParse.Invoke(null, call)!, "Garnet refused the equivalent command line");
        var settings = call[1]!;
        var getServerOptions = settings.GetType().GetMethod("GetServerOptions")!;
        return (GarnetServerOptions)getServerOptions.Invoke(settings, [null])!;
    }

    /// <summary>Every field and property of the settings, one per line, looking inside Garnet's and Tsavorite's own objects.</summary>
    private static string Render(GarnetServerOptions options)
    {
        var text = new StringBuilder();
        RenderMembers(options, "", text, depth: 0);
        return text.ToString();
    }

    private static void RenderMembers(object value, string prefix, StringBuilder text, int depth)
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(Instance | BindingFlags.DeclaredOnly).OrderBy(f => f.Name, StringComparer.Ordinal))
                RenderValue(prefix + field.Name, field.GetValue(value), text, depth);
            foreach (var property in type.GetProperties(Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
                    continue;
                object? propertyValue;
                try
                {
                    propertyValue = property.GetValue(value);
                }
                catch (TargetInvocationException e)
                {
                    propertyValue = "throws " + e.InnerException?.GetType().Name;
                }
                RenderValue(prefix + property.Name, propertyValue, text, depth);
            }
        }
    }

    private static void RenderValue(string name, object? value, StringBuilder text, int depth)
    {
        switch (value)
        {
            case null:
                text.Append(name).AppendLine(" = null");
                break;
            case string s:
                text.Append(name).Append(" = ").AppendLine(s);
                break;
            case byte[] bytes:
                text.Append(name).Append(" = ").AppendLine(Encoding.UTF8.GetString(bytes));
                break;
            case IEnumerable items:
                text.Append(name).Append(" = [").AppendJoin(", ", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))).AppendLine("]");
                break;
            default:
                var type = value.GetType();
                var ours = type.Namespace is { } ns && (ns.StartsWith("Garnet", StringComparison.Ordinal) || ns.StartsWith("Tsavorite", StringComparison.Ordinal));
                if (ours && !type.IsEnum && depth < 3)
                {
                    text.Append(name).Append(" : ").AppendLine(type.FullName);
                    RenderMembers(value, name + ".", text, depth + 1);
                }
                else
                {
                    text.Append(name).Append(" = ").AppendLine(Convert.ToString(value, CultureInfo.InvariantCulture));
                }
                break;
        }
    }
}
