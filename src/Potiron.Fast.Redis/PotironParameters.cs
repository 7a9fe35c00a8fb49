using System.Globalization;
using System.Text;
using Potiron.Fast.Aggregation;

namespace Potiron.Fast.Redis;

/// <summary>
/// The <c>PARAMETERS</c> hash, <c>FIELDS</c> and <c>JSON_FIELDS</c> of one run, built byte-identically to the original's
/// <c>potiron_parameters.py</c> (reference §3.2, §3.4, §14.A.8): a database that the original started accepts our
/// files and the reverse, because the critical entries (<c>cmd</c>, <c>tshark_filter</c>) compare equal.
/// </summary>
public sealed class PotironParameters
{
    public const string FormatEntry = "format";
    public const string RootDirectoryEntry = "rootdir";
    public const string EnableJsonEntry = "enable_json";
    public const string TsharkFilterEntry = "tshark_filter";
    public const string CommandEntry = "cmd";
    public const string CombinedKeysEntry = "ck";
    public const string PortScoreEntry = "port_score";
    public const string IpScoreEntry = "ip_score";
    public const string ToCallEntry = "to_call";

    /// <summary>
    /// Potiron.Fast's extension: present (<c>True</c>) only when IPv6 packets are counted too. A default run writes the
    /// original's hash unchanged, byte for byte. An IPv6 run's hash has one entry more; <see cref="ParameterCheck"/>
    /// refuses to add an IPv4-only run to an IPv6 database and the reverse, so one database never mixes the two.
    /// (The original itself would still add to an IPv6 database: with entry counts that differ it only compares the
    /// entries it knows.)
    /// </summary>
    public const string Ipv6Entry = "ipv6";

    private PotironParameters(IngestFormat format, List<KeyValuePair<string, string>> entries,
        IReadOnlyList<string> fields, IReadOnlyList<string> jsonFields)
    {
        Format = format;
        Entries = entries;
        Fields = fields;
        JsonFields = jsonFields;
    }

    public IngestFormat Format { get; }

    /// <summary>The hash entries, in the order the original inserts them (the order is not observable in Redis).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries { get; }

    /// <summary>The <c>FIELDS</c> list (standard format only; empty otherwise).</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>The <c>JSON_FIELDS</c> list (standard format only; empty otherwise).</summary>
    public IReadOnlyList<string> JsonFields { get; }

    /// <summary>The value of one entry, or null.</summary>
    public string? this[string entry]
    {
        get
        {
            foreach (var pair in Entries)
            {
                if (pair.Key == entry)
                    return pair.Value;
            }
            return null;
        }
    }

    /// <summary>The tshark command template with a literal <c>{}</c> where the capture goes.</summary>
    public string Command => this[CommandEntry]!;

    public static PotironParameters Create(RunParameters run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var hasUserFilter = !string.IsNullOrEmpty(run.UserFilter);
        var filter = hasUserFilter ? DefaultFilter(run.Format) + " && " + run.UserFilter : DefaultFilter(run.Format);
        var tsharkFields = run.Format == IngestFormat.Standard ? run.Fields.TsharkFields : TsharkFields(run.Format);

        // Insertion order of the original: the caller's dict (rootdir, tshark_filter, enable_json, format, ck), then
        // cmd, then the field scores. A user filter pops tshark_filter and puts it back after ck.
        var entries = new List<KeyValuePair<string, string>>
        {
            new(RootDirectoryEntry, run.EnableJson && run.OutputDirectory is not null ? run.OutputDirectory : "None"),
        };
        if (!hasUserFilter)
            entries.Add(new(TsharkFilterEntry, ""));
        entries.Add(new(EnableJsonEntry, PythonBoolean(run.EnableJson)));
        entries.Add(new(FormatEntry, FormatName(run.Format)));
        if (run.Format == IngestFormat.Standard)
            entries.Add(new(CombinedKeysEntry, PythonBoolean(run.CombinedKeys)));
        if (hasUserFilter)
            entries.Add(new(TsharkFilterEntry, filter));
        entries.Add(new(CommandEntry, BuildCommand(filter, tsharkFields)));
        if (run.Format == IngestFormat.Standard)
        {
            entries.Add(new(PortScoreEntry, run.Fields.PortScore.ToString(CultureInfo.InvariantCulture)));
            entries.Add(new(IpScoreEntry, run.Fields.IpScore.ToString(CultureInfo.InvariantCulture)));
            entries.Add(new(ToCallEntry, run.Fields.ToCall));
        }
        if (run.Ipv6)
            entries.Add(new(Ipv6Entry, PythonBoolean(true)));

        return run.Format == IngestFormat.Standard
            ? new PotironParameters(run.Format, entries, run.Fields.Fields, run.Fields.JsonFields)
            : new PotironParameters(run.Format, entries, [], []);
    }

    /// <summary>The <c>format</c> value: <c>standard</c>, <c>isn</c> or <c>layer2</c>.</summary>
    public static string FormatName(IngestFormat format) => format switch
    {
        IngestFormat.Standard => "standard",
        IngestFormat.Isn => "isn",
        IngestFormat.Layer2 => "layer2",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The display filter each format applies before any user filter (reference §3.4).</summary>
    public static string DefaultFilter(IngestFormat format) => format switch
    {
        IngestFormat.Standard => "ip.dst ne 255.255.255.255",
        IngestFormat.Isn => "ip.dst ne 255.255.255.255 && ip.proto eq 6",
        IngestFormat.Layer2 => "eth.type == 0x806",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The tshark fields of the ISN and layer2 formats (the standard ones come from the field selection).</summary>
    public static IReadOnlyList<string> TsharkFields(IngestFormat format) => format switch
    {
        IngestFormat.Standard => FieldCatalogue.StandardTsharkFields,
        IngestFormat.Isn => FieldCatalogue.IsnTsharkFields,
        IngestFormat.Layer2 => FieldCatalogue.Layer2TsharkFields,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>
    /// <c>tshark -n -q -Tfields -e F1 … -E header=n -E separator=/s -E occurrence=f -Y '&lt;FILTER&gt;' -r {} -o
    /// tcp.relative_sequence_numbers:FALSE</c>, spaced exactly as the original's <c>_predefine_cmd</c>.
    /// </summary>
    public static string BuildCommand(string filter, IReadOnlyList<string> tsharkFields)
    {
        var text = new StringBuilder("tshark -n -q -Tfields");
        foreach (var field in tsharkFields)
            text.Append(" -e ").Append(field);
        text.Append(" -E header=n -E separator=/s -E occurrence=f -Y '").Append(filter).Append("' -r {} -o tcp.relative_sequence_numbers:FALSE");
        return text.ToString();
    }

    /// <summary>Python's <c>str(bool)</c>, which is what the original stores.</summary>
    public static string PythonBoolean(bool value) => value ? "True" : "False";
}
