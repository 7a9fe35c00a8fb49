namespace Potiron.Fast.Aggregation;

/// <summary>
/// IP protocol number → the name potiron uses in combined keys and in <c>PROTOCOLS</c>: the 55-entry table of
/// the original's <c>doc/protocols</c> (reference Appendix A). A number missing from the table gets its decimal
/// form (e.g. <c>253</c>, <c>-1</c>): the original raised KeyError and aborted the whole run there (§13 #8).
/// </summary>
public static class ProtocolNames
{
    /// <summary>Number of entries in <c>doc/protocols</c>.</summary>
    public const int TableCount = 55;

    // Appendix A, verbatim: note 4 = ipencap (not ipip, which is 94) and 99 = "#".
    private static readonly (int Number, string Name)[] Table =
    [
        (0, "hopopt"), (1, "icmp"), (2, "igmp"), (3, "ggp"), (4, "ipencap"), (5, "st"), (6, "tcp"), (8, "egp"),
        (9, "igp"), (12, "pup"), (17, "udp"), (20, "hmp"), (22, "xns-idp"), (27, "rdp"), (29, "iso-tp4"),
        (33, "dccp"), (36, "xtp"), (37, "ddp"), (38, "idpr-cmtp"), (41, "ipv6"), (43, "ipv6-route"),
        (44, "ipv6-frag"), (45, "idrp"), (46, "rsvp"), (47, "gre"), (50, "esp"), (51, "ah"), (57, "skip"),
        (58, "ipv6-icmp"), (59, "ipv6-nonxt"), (60, "ipv6-opts"), (73, "rspf"), (81, "vmtp"), (88, "eigrp"),
        (89, "ospf"), (93, "ax.25"), (94, "ipip"), (97, "etherip"), (98, "encap"), (99, "#"), (103, "pim"),
        (108, "ipcomp"), (112, "vrrp"), (115, "l2tp"), (124, "isis"), (132, "sctp"), (133, "fc"),
        (135, "mobility-header"), (136, "udplite"), (137, "mpls-in-ip"), (138, "manet"), (139, "hip"),
        (140, "shim6"), (141, "wesp"), (142, "rohc"),
    ];

    // Every byte value resolved once, so flushing never formats a protocol name.
    private static readonly string[] NameOfByte = BuildNames();
    private static readonly bool[] InTable = BuildInTable();

    /// <summary>The name for a protocol number: the table's name, or the decimal number when it has none.</summary>
    public static string Get(int number) =>
        (uint)number < 256u ? NameOfByte[number] : number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when <c>doc/protocols</c> names the number (the original would not have crashed on it).</summary>
    public static bool IsInTable(int number) => (uint)number < 256u && InTable[number];

    /// <summary>The table itself, number → name, in number order.</summary>
    public static IReadOnlyList<(int Number, string Name)> Entries => Table;

    private static string[] BuildNames()
    {
        var names = new string[256];
        for (var i = 0; i < names.Length; i++)
            names[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (number, name) in Table)
            names[number] = name;
        return names;
    }

    private static bool[] BuildInTable()
    {
        var inTable = new bool[256];
        foreach (var (number, _) in Table)
            inTable[number] = true;
        return inTable;
    }
}
