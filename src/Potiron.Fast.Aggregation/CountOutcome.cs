namespace Potiron.Fast.Aggregation;

/// <summary>What <see cref="CountTables.CountPacket"/> did with one packet.</summary>
public enum CountOutcome : byte
{
    /// <summary>Counted into the tables.</summary>
    Counted,
    /// <summary>Not counted: it fails potiron's filter (no IPv4, or an IPv4 broadcast; IPv6-only unless IPv6 is on).</summary>
    Filtered,
    /// <summary>Not counted: its time lies outside the calendar's range (see <see cref="DayCalendar.MinSeconds"/>).</summary>
    TimestampOutOfRange,
}
