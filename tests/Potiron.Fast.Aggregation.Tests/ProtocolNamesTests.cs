namespace Potiron.Fast.Aggregation.Tests;

public sealed class ProtocolNamesTests
{
    [Fact]
    public void Table_has_the_55_entries_of_doc_protocols()
    {
        Assert.Equal(ProtocolNames.TableCount, ProtocolNames.Entries.Count);
        Assert.Equal(55, ProtocolNames.Entries.Select(e => e.Number).Distinct().Count());
        Assert.Equal(55, ProtocolNames.Entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(55, Enumerable.Range(0, 256).Count(ProtocolNames.IsInTable));
    }

    [Theory]
    [InlineData(0, "hopopt")]
    [InlineData(1, "icmp")]
    [InlineData(4, "ipencap")]
    [InlineData(6, "tcp")]
    [InlineData(17, "udp")]
    [InlineData(47, "gre")]
    [InlineData(58, "ipv6-icmp")]
    [InlineData(93, "ax.25")]
    [InlineData(94, "ipip")]
    [InlineData(99, "#")]
    [InlineData(142, "rohc")]
    [InlineData(7, "7")]
    [InlineData(253, "253")]
    [InlineData(255, "255")]
    [InlineData(-1, "-1")]
    [InlineData(256, "256")]
    public void Names(int number, string name) => Assert.Equal(name, ProtocolNames.Get(number));

    [Fact]
    public void Numbers_missing_from_the_table_are_the_reference_list()
    {
        int[] missingBelow143 =
        [
            7, 10, 11, 13, 14, 15, 16, 18, 19, 21, 23, 24, 25, 26, 28, 30, 31, 32, 34, 35, 39, 40, 42, 48, 49, 52, 53, 54, 55, 56,
            61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 74, 75, 76, 77, 78, 79, 80, 82, 83, 84, 85, 86, 87, 90, 91, 92,
            95, 96, 100, 101, 102, 104, 105, 106, 107, 109, 110, 111, 113, 114, 116, 117, 118, 119, 120, 121, 122, 123,
            125, 126, 127, 128, 129, 130, 131, 134,
        ];
        Assert.Equal(missingBelow143, Enumerable.Range(0, 143).Where(n => !ProtocolNames.IsInTable(n)));
        Assert.DoesNotContain(Enumerable.Range(143, 113), ProtocolNames.IsInTable);
    }
}
