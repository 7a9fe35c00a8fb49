using CsCheck;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation.Tests;

/// <summary>
/// Tables over their memory budget spill sorted runs to disk and merge them at the end: the counts are those of tables
/// that never spilled, memory stays near the budget whatever the input, and the runs are deleted with the counts.
/// </summary>
public sealed class MemoryBudgetTests : IDisposable
{
    private readonly string _spillRoot = Directory.CreateTempSubdirectory("potiron-budget-test-").FullName;

    public void Dispose() => Directory.Delete(_spillRoot, recursive: true);

    private CountTables Budgeted(long budget, bool combinedKeys = true, bool ipv6 = true) =>
        new(FieldSelection.All, combinedKeys, ipv6) { MemoryBudget = budget, SpillDirectory = _spillRoot };

    [Fact]
    public void Spilling_for_memory_changes_no_count() =>
        Gen.Select(RandomPackets.Batch, RandomPackets.Batch, Gen.Bool).Sample((first, second, combinedKeys) =>
        {
            var calendar = new DayCalendar();
            var plain = new CountTables(FieldSelection.All, combinedKeys, ipv6: true);
            RandomPackets.CountInto(plain, calendar, first.Concat(second));

            // A budget of one byte: every look at the estimate spills.
            var spilling = Budgeted(1, combinedKeys);
            RandomPackets.CountInto(spilling, calendar, first);
            spilling.FlushPending();
            var other = Budgeted(1, combinedKeys);
            RandomPackets.CountInto(other, calendar, second);
            spilling.MergeFrom(other);

            var expected = plain.ToFileCounts("s", "f", "d");
            var actual = spilling.ToFileCounts("s", "f", "d");
            Assert.Equal(Keys.Canonical(expected), Keys.Canonical(actual));
            Assert.Equal(expected.Days, actual.Days);
            Assert.Equal(expected.Protocols.Order(StringComparer.Ordinal), actual.Protocols.Order(StringComparer.Ordinal));
            Assert.Equal(expected.MemberCount, actual.MemberCount);
            Assert.Equal(expected.Total, actual.Total);
        }, iter: 25);

    [Fact]
    public void Many_distinct_values_spill_several_runs_and_merge_exactly()
    {
        var plain = new CountTables(FieldSelection.All);
        var spilling = Budgeted(256 << 10, combinedKeys: false, ipv6: false);
        var packet = Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40).Tcp(1, 2, 0, 0);
        for (uint i = 0; i < 200_000; i++)
        {
            // Every value comes back four times, far apart: each run holds part of its count.
            var value = (i % 50_000) * 2654435761u;
            packet.TcpSequence = value;
            packet.TcpAcknowledgement = value ^ 0x5555;
            packet.Ipv4Source = value;
            plain.Count(19723 + (int)(i % 2), packet);
            spilling.Count(19723 + (int)(i % 2), packet);
        }
        spilling.FlushPending();
        Assert.True(spilling.SpillCount >= 4, $"{spilling.SpillCount} runs");
        Assert.True(spilling.ApproximateBytes < 2 * (256 << 10) + (1 << 20), $"{spilling.ApproximateBytes:N0} bytes held");

        var expected = plain.ToFileCounts("s", "f", "d");
        var actual = spilling.ToFileCounts("s", "f", "d");
        Assert.Equal(Keys.Canonical(expected), Keys.Canonical(actual));
        Assert.All(actual.Groups.Where(g => g.Field == PotironField.TcpSequence), g => Assert.Equal(25_000, g.MemberCount));
    }

    [Fact]
    public void One_packet_per_day_for_30_000_days_stays_within_the_budget()
    {
        // The fuzz helper's finding: a bucket per day, each with its pages and tables, ~15 KiB a day without a budget.
        const long budget = 4 << 20;
        var spilling = Budgeted(budget, combinedKeys: true, ipv6: true);
        var packet = Packet.Ipv4("1.1.1.1", "2.2.2.2", 17, 40).Udp(53, 53);
        long peak = 0;
        for (var day = 0; day < 30_000; day++)
        {
            packet.Ipv4Source = (uint)day;
            spilling.Count(day, packet);
            if (day % 500 == 0)
                peak = Math.Max(peak, spilling.ApproximateBytes);
        }
        Assert.True(peak < 2 * budget, $"peak estimate {peak:N0} bytes for a budget of {budget:N0}");

        var counts = spilling.ToFileCounts("s", "f", "d");
        Assert.Equal(30_000, counts.Days.Count);
        Assert.Equal(30_000, counts.Groups.Count(g => g.Field == PotironField.IpSource));
        Assert.Equal(30_000L * FieldSelection.All.Counted.Count, counts.Total);
    }

    [Fact]
    public void Runs_live_in_a_folder_of_their_own_deleted_by_clear()
    {
        var spilling = Budgeted(1);
        var packet = Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40);
        for (var i = 0; i < 10_000; i++)
        {
            packet.Ipv4Source = (uint)i;
            spilling.Count(5, packet);
        }
        Assert.True(spilling.SpillCount > 0);
        var folder = Assert.Single(Directory.GetDirectories(_spillRoot));
        Assert.StartsWith($"potiron-spill-{Environment.ProcessId}-", Path.GetFileName(folder), StringComparison.Ordinal);
        var counts = spilling.ToFileCounts("s", "f", "d");
        Assert.Equal(10_000, counts.Groups.Single(g => g.Field == PotironField.IpSource).Members.Count);

        spilling.Clear();
        Assert.Empty(Directory.GetDirectories(_spillRoot));
        Assert.Throws<InvalidOperationException>(() => counts.Groups[0].WriteMembers(new NullWriter()));
    }

    [Fact]
    public void A_dead_process_folder_is_deleted_by_the_next_spill()
    {
        // pid 2^22 + 1 is above Linux's pid_max limit: never a live process.
        var stale = Directory.CreateDirectory(Path.Combine(_spillRoot, "potiron-spill-4194305-0123456789abcdef")).FullName;
        File.WriteAllText(Path.Combine(stale, "run-00000"), "left by a killed run");
        var spilling = Budgeted(1);
        for (var i = 0; i < 5_000; i++)
            spilling.Count(5, Packet.Ipv4("1.1.1.1", "2.2.2.2", 6, 40));
        Assert.True(spilling.SpillCount > 0);
        Assert.False(Directory.Exists(stale) && OperatingSystem.IsLinux());
        spilling.Clear();
    }

    private sealed class NullWriter : IMemberWriter
    {
        public void Write(ReadOnlySpan<byte> member, long count)
        {
        }
    }
}
