using CsCheck;

namespace Potiron.Fast.Aggregation.Tests;

public sealed class DayCalendarTests
{
    private static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
    private static readonly TimeZoneInfo Santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");

    /// <summary>The oracle: the local date of the instant, as <c>TimeZoneInfo.ConvertTime</c> gives it.</summary>
    private static string Oracle(long seconds, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(seconds), zone).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Day(DayCalendar calendar, long seconds)
    {
        Assert.True(calendar.TryGetDay(seconds, out var day), $"no day for {seconds}");
        return DayCalendar.FormatDay(day);
    }

    [Theory]
    [InlineData(0, "19700101")]
    [InlineData(-1, "19691231")]
    [InlineData(-86400, "19691231")]
    [InlineData(-86401, "19691230")]
    [InlineData(-2208988800, "19000101")]
    [InlineData(1408997000, "20140825")]
    [InlineData(4294967295, "21060207")]   // the largest classic-pcap second
    [InlineData(4294967296, "21060207")]
    [InlineData(4354819199, "21071231")]
    [InlineData(4354819200, "21080101")]
    public void Utc_days(long seconds, string expected) => Assert.Equal(expected, Day(new DayCalendar(), seconds));

    [Theory]
    [InlineData(-1L)]
    [InlineData(-86_400L * 400)]
    [InlineData(4294967295L)]
    [InlineData(4354819200L)]
    [InlineData(1711846800L)]   // 2024-03-31 01:00 UTC: Brussels springs forward
    [InlineData(1729990800L)]   // 2024-10-27 01:00 UTC: Brussels falls back
    [InlineData(4383766800L)]   // 2108-12-01, well past the last tzdb transition: the rule string applies
    public void Brussels_matches_ConvertTime_second_by_second_around(long center)
    {
        var calendar = new DayCalendar(Brussels);
        for (var s = center - 3 * 3600; s <= center + 3 * 3600; s++)
            Assert.Equal(Oracle(s, Brussels), Day(calendar, s));
        for (var s = center - 30 * 3600; s <= center + 30 * 3600; s += 59)
            Assert.Equal(Oracle(s, Brussels), Day(calendar, s));
    }

    [Fact]
    public void Brussels_DST_transitions_across_years_match_ConvertTime()
    {
        var calendar = new DayCalendar(Brussels);
        for (var year = 1977; year <= 2110; year += 7)
        {
            // Around every last Sunday of March and October, minute by minute over two days.
            foreach (var month in new[] { 3, 10 })
            {
                var start = new DateTimeOffset(year, month, 24, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
                for (var s = start; s < start + 9 * 86400; s += 60)
                    Assert.Equal(Oracle(s, Brussels), Day(calendar, s));
            }
        }
    }

    [Theory]
    [InlineData(1712458800L)]   // 2024-04-07 03:00 UTC: Santiago falls back from 00:00 to 23:00 of the previous date
    [InlineData(1725764400L)]   // 2024-09-08 04:00 UTC: Santiago springs forward from 00:00 to 01:00
    public void Midnight_transitions_where_the_date_goes_backwards_match_ConvertTime(long center)
    {
        var calendar = new DayCalendar(Santiago);
        for (var s = center - 26 * 3600; s <= center + 26 * 3600; s++)
            Assert.Equal(Oracle(s, Santiago), Day(calendar, s));
    }

    [Fact]
    public void Random_seconds_in_many_zones_match_ConvertTime()
    {
        string[] zones = ["UTC", "Europe/Brussels", "America/Santiago", "Asia/Tokyo", "Asia/Kathmandu", "Australia/Lord_Howe",
            "Pacific/Apia", "America/St_Johns", "Etc/GMT+12", "Pacific/Kiritimati", "Africa/Casablanca"];
        foreach (var name in zones)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            var calendar = new DayCalendar(zone);
            Gen.OneOf(Gen.Long[DayCalendar.MinSeconds, DayCalendar.MaxSeconds], Gen.Long[-2_300_000_000, 4_400_000_000])
                .Sample(s => Assert.Equal(Oracle(s, zone), Day(calendar, s)), iter: 2000, threads: 1);
        }
    }

    [Fact]
    public void Flipping_between_two_days_keeps_both_cached_and_correct()
    {
        var calendar = new DayCalendar(Brussels);
        const long midnight = 1408917600;   // 2014-08-25 00:00 in Brussels (22:00 UTC the day before)
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal("20140824", Day(calendar, midnight - 1 - i));
            Assert.Equal("20140825", Day(calendar, midnight + i));
        }
    }

    [Fact]
    public void Seconds_beyond_the_DateTime_range_have_no_day()
    {
        foreach (var zone in new[] { TimeZoneInfo.Utc, Brussels, Santiago })
        {
            var calendar = new DayCalendar(zone);
            foreach (var s in new[] { long.MinValue, long.MaxValue, DayCalendar.MinSeconds - 1, DayCalendar.MaxSeconds + 1, -99_999_999_999_999 })
                Assert.False(calendar.TryGetDay(s, out _));
            Assert.Equal(Oracle(DayCalendar.MinSeconds, zone), Day(calendar, DayCalendar.MinSeconds));
            Assert.Equal(Oracle(DayCalendar.MaxSeconds, zone), Day(calendar, DayCalendar.MaxSeconds));
            Assert.False(calendar.TryGetDay(long.MaxValue, out _));   // also right after a cached day
        }
    }

    [Fact]
    public void Day_numbers_are_days_since_1970_in_the_zone()
    {
        Assert.True(new DayCalendar().TryGetDay(86400 * 365, out var day));
        Assert.Equal(365, day);
        Assert.Equal(new DateOnly(1971, 1, 1), DayCalendar.ToDate(day));
        Assert.Equal(day, DayCalendar.DayOf(new DateOnly(1971, 1, 1)));
        Assert.Equal("00010103", DayCalendar.FormatDay(DayCalendar.DayOf(new DateOnly(1, 1, 3))));
    }

    [Fact]
    public void Zones_from_the_tz_option()
    {
        Assert.True(DayCalendar.TryCreate(null, out var utc, out _));
        Assert.Equal(TimeZoneInfo.Utc, utc.Zone);
        Assert.True(DayCalendar.TryCreate("Europe/Brussels", out var brussels, out _));
        Assert.Equal("Europe/Brussels", brussels.Zone.Id);
        Assert.True(DayCalendar.TryCreate("local", out var local, out _));
        Assert.Equal(TimeZoneInfo.Local, local.Zone);
        Assert.False(DayCalendar.TryCreate("Nowhere/Atlantis", out _, out var error));
        Assert.Contains("Nowhere/Atlantis", error, StringComparison.Ordinal);
    }
}
