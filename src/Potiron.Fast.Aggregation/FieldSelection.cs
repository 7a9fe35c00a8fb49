namespace Potiron.Fast.Aggregation;

/// <summary>
/// The fields a standard-format run extracts and counts, derived from <c>-ff</c> exactly as the original's
/// <c>potiron_parameters.py</c> does (reference §3.2): the tshark field list, <c>FIELDS</c>,
/// <c>JSON_FIELDS</c>, <c>port_score</c>, <c>ip_score</c> and <c>to_call</c>.
/// </summary>
public sealed class FieldSelection
{
    private FieldSelection(IReadOnlyList<string> tsharkFields)
    {
        TsharkFields = tsharkFields;
        Fields = tsharkFields.Select(f => FieldCatalogue.JsonNameOfTsharkField[f]).ToArray();

        var json = new List<string>();
        foreach (var name in Fields)
        {
            var mapped = name switch
            {
                "timestamp" => null,
                "tsport" or "usport" => "sport",
                "tdport" or "udport" => "dport",
                _ => name,
            };
            if (mapped is not null && !json.Contains(mapped))
                json.Add(mapped);
        }
        JsonFields = json;
        Counted = json.Select(n => FieldCatalogue.TryGetField(n, out var f) ? f : throw new InvalidOperationException(n)).ToArray();

        bool Has(string n) => Fields.Contains(n);
        TcpSourcePort = Has("tsport");
        UdpSourcePort = Has("usport");
        TcpDestinationPort = Has("tdport");
        UdpDestinationPort = Has("udport");
        PortScore = (TcpSourcePort ? 8 : 0) + (UdpSourcePort ? 4 : 0) + (TcpDestinationPort ? 2 : 0) + (UdpDestinationPort ? 1 : 0);
        IpScore = (Has("ipsrc") ? 2 : 0) + (Has("ipdst") ? 1 : 0);
    }

    /// <summary>All fields, as the original selects them without <c>-ff</c>.</summary>
    public static FieldSelection All { get; } = new(FieldCatalogue.StandardTsharkFields);

    /// <summary>The tshark field names, in command order (<c>frame.time_epoch</c> and <c>ip.proto</c> forced in).</summary>
    public IReadOnlyList<string> TsharkFields { get; }
    /// <summary>The <c>FIELDS</c> list: JSON names including <c>timestamp</c> and the raw port names.</summary>
    public IReadOnlyList<string> Fields { get; }
    /// <summary>The <c>JSON_FIELDS</c> list: the field suffixes of the zset keys.</summary>
    public IReadOnlyList<string> JsonFields { get; }
    /// <summary>The counted fields in <c>JSON_FIELDS</c> order.</summary>
    public IReadOnlyList<PotironField> Counted { get; }

    public bool TcpSourcePort { get; }
    public bool UdpSourcePort { get; }
    public bool TcpDestinationPort { get; }
    public bool UdpDestinationPort { get; }
    public int PortScore { get; }
    public int IpScore { get; }

    /// <summary>The original's <c>to_call</c> parameter (protocol is always parsed: <c>ip.proto</c> is forced in).</summary>
    public string ToCall =>
        $"_{(IpScore != 0 ? "parse" : "dont_parse")}_ips_{(PortScore != 0 ? "parse" : "dont_parse")}_ports_parse_protocol";

    public bool Includes(PotironField field) => Counted.Contains(field);

    /// <summary>
    /// Builds the selection for <c>-ff NAME...</c>. Unknown names give false and the original's message. A name given
    /// twice is refused: the original would list it twice in <c>FIELDS</c> and <c>JSON_FIELDS</c> and count it twice.
    /// </summary>
    public static bool TryCreate(IReadOnlyList<string>? tsharkFieldFilter, out FieldSelection selection, out string? error)
    {
        selection = All;
        error = null;
        if (tsharkFieldFilter is null || tsharkFieldFilter.Count == 0)
            return true;

        var chosen = new List<string>();
        foreach (var name in tsharkFieldFilter)
        {
            if (!FieldCatalogue.JsonNameOfTsharkField.ContainsKey(name))
            {
                error = "Wrong value for fields filter, choose in the following list: " +
                        string.Join(", ", FieldCatalogue.StandardTsharkFields) +
                        ".\nAlternatively if you do not specify any field to filter on, all the fields in this list will be used.";
                return false;
            }
            if (chosen.Contains(name))
            {
                error = $"The fields filter names {name} twice; give each field once (the original would count it twice).";
                return false;
            }
            chosen.Add(name);
        }
        if (!chosen.Contains("frame.time_epoch"))
            chosen.Insert(0, "frame.time_epoch");
        if (!chosen.Contains("ip.proto"))
            chosen.Insert(1, "ip.proto");
        selection = new FieldSelection(chosen);
        return true;
    }
}
