using System.Globalization;
using System.Runtime.CompilerServices;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// Maps whole epoch seconds to potiron's day, <c>strftime("%Y%m%d")</c> of <c>datetime.fromtimestamp(int(seconds))</c>
/// in one time zone (reference §2.3), as a small int: days since 1970-01-01 in that zone's calendar.
/// The text form is made only at flush time (<see cref="FormatDay"/>).
/// </summary>
/// <remarks>
/// Per packet the cost is a range check against the cached [start, end) of the current day (and of the previous
/// one, so that packets flipping across midnight do not thrash). A range is only ever cached where the zone's UTC
/// offset is constant, so days that a transition cuts (DST, and zones such as America/Santiago whose clocks fall back
/// from 00:00 to 23:00 of the previous date) are split into two ranges, each correct. This assumes that a zone does
/// not leave and come back to the same offset within one half day (true of every tzdb zone).
/// <para>Not thread-safe: one instance per worker.</para>
/// <para>Seconds outside <see cref="MinSeconds"/>..<see cref="MaxSeconds"/> (beyond .NET's DateTime range, where
/// Python raises and aborts the file) are not mapped: <see cref="TryGetDay"/> returns false and the caller counts
/// the packet as a timestamp anomaly.</para>
/// <para>Known, documented differences from Python: before 1900 .NET truncates local-mean-time offsets to whole
/// minutes where glibc keeps seconds; years before 1000 are zero-padded to four digits (Python before 3.13 on Linux
/// printed them unpadded).</para>
/// </remarks>
public sealed class DayCalendar
{
    private const long SecondsPerDay = 86_400;

    /// <summary>Smallest epoch second mapped: 0001-01-03 00:00:00 UTC (two days of margin for any UTC offset).</summary>
    public const long MinSeconds = -62_135_596_800L + 2 * SecondsPerDay;
    /// <summary>Largest epoch second mapped: 9999-12-29 23:59:59 UTC.</summary>
    public const long MaxSeconds = 253_402_300_799L - 2 * SecondsPerDay;

    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    private readonly long? _fixedOffsetSeconds;

    // The current day's range and the previous one; an empty range (start == end) never matches.
    private long _start, _end;
    private int _day;
    private long _previousStart, _previousEnd;
    private int _previousDay;

    /// <summary>A calendar in UTC.</summary>
    public DayCalendar() : this(TimeZoneInfo.Utc)
    {
    }

    public DayCalendar(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Zone = zone;
        if (zone.GetAdjustmentRules().Length == 0)
            _fixedOffsetSeconds = zone.BaseUtcOffset.Ticks / TimeSpan.TicksPerSecond;
    }

    /// <summary>The zone days are counted in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>
    /// Builds a calendar for a <c>--tz</c> value: null or <c>UTC</c> → UTC (an empty name is refused, as a typo); <c>local</c> → the process's zone
    /// (the TZ environment variable, like the original); otherwise an IANA id such as <c>Europe/Brussels</c>.
    /// </summary>
    public static bool TryCreate(string? zoneName, out DayCalendar calendar, out string? error)
    {
        error = null;
        if (zoneName is null || string.Equals(zoneName, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            calendar = new DayCalendar(TimeZoneInfo.Utc);
            return true;
        }
        if (string.Equals(zoneName, "local", StringComparison.OrdinalIgnoreCase))
        {
            calendar = new DayCalendar(TimeZoneInfo.Local);
            return true;
        }
        if (TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            calendar = new DayCalendar(zone);
            return true;
        }
        calendar = new DayCalendar(TimeZoneInfo.Utc);
        error = $"Unknown time zone '{PrintableText.Of(zoneName)}': use UTC, local, or an IANA name such as Europe/Brussels.";
        return false;
    }

    /// <summary>A fresh calendar on the same zone, for another worker.</summary>
    public DayCalendar CreateWorkerCopy() => new(Zone);

    /// <summary>The day of whole epoch seconds; false (no day) outside <see cref="MinSeconds"/>..<see cref="MaxSeconds"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetDay(long epochSeconds, out int day)
    {
        // One unsigned compare covers both ends; the ranges lie far inside long, so the subtraction cannot wrap into them.
        if ((ulong)(epochSeconds - _start) < (ulong)(_end - _start))
        {
            day = _day;
            return true;
        }
        return TryGetDaySlow(epochSeconds, out day);
    }

    /// <summary><c>YYYYMMDD</c> of a day number.</summary>
    public static string FormatDay(int day) => ToDate(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The calendar date of a day number.</summary>
    public static DateOnly ToDate(int day) => DateOnly.FromDayNumber(day + EpochDayNumber);

    /// <summary>The day number of a calendar date.</summary>
    public static int DayOf(DateOnly date) => date.DayNumber - EpochDayNumber;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryGetDaySlow(long seconds, out int day)
    {
        if ((ulong)(seconds - _previousStart) < (ulong)(_previousEnd - _previousStart))
        {
            (_start, _previousStart) = (_previousStart, _start);
            (_end, _previousEnd) = (_previousEnd, _end);
            (_day, _previousDay) = (_previousDay, _day);
            day = _day;
            return true;
        }
        if (seconds < MinSeconds || seconds > MaxSeconds)
        {
            day = 0;
            return false;
        }
        var (start, end, found) = RangeOf(seconds);
        (_previousStart, _previousEnd, _previousDay) = (_start, _end, _day);
        (_start, _end, _day) = (start, end, found);
        day = found;
        return true;
    }

    /// <summary>The largest range around <paramref name="seconds"/> with one UTC offset and one local date.</summary>
    private (long Start, long End, int Day) RangeOf(long seconds)
    {
        var offset = _fixedOffsetSeconds ?? OffsetAt(seconds);
        var dayNumber = Math.DivRem(seconds + offset, SecondsPerDay, out var remainder);
        if (remainder < 0)
            dayNumber--;
        var start = dayNumber * SecondsPerDay - offset;
        var end = start + SecondsPerDay;
        if (_fixedOffsetSeconds is null)
        {
            if (OffsetAt(start) != offset)
                start = FirstSecondWithOffset(start, seconds, offset);
            if (OffsetAt(end - 1) != offset)
                end = FirstSecondWithoutOffset(seconds, end - 1, offset);
        }
        return (start, end, (int)dayNumber);
    }

    // Binary search in (without, with]: offset(without) differs, offset(with) is the wanted one.
    private long FirstSecondWithOffset(long without, long with, long offset)
    {
        while (with - without > 1)
        {
            var middle = without + (with - without) / 2;
            if (OffsetAt(middle) == offset)
                with = middle;
            else
                without = middle;
        }
        return with;
    }

    // Binary search in (with, without]: offset(with) is the wanted one, offset(without) differs.
    private long FirstSecondWithoutOffset(long with, long without, long offset)
    {
        while (without - with > 1)
        {
            var middle = with + (without - with) / 2;
            if (OffsetAt(middle) == offset)
                with = middle;
            else
                without = middle;
        }
        return without;
    }

    private long OffsetAt(long seconds)
    {
        var utc = new DateTime(DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        return Zone.GetUtcOffset(utc).Ticks / TimeSpan.TicksPerSecond;
    }
}
