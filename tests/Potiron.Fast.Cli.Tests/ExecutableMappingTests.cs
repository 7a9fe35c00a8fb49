namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// Dropping the start-up pages of our own code: only clean read-only mappings of our own files, and the process goes on.
/// Every ingest through the command also drops them (the other Cli tests run it in a real process).
/// </summary>
public sealed class ExecutableMappingTests
{
    private const string Sample = """
        5621e0b72000-5621e0b98000 r--p 00000000 fe:00 5392023                    /opt/potiron/potiron
        Size:                152 kB
        Rss:                 152 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        5621e0b98000-5621e2360000 r-xp 00026000 fe:00 5392023                    /opt/potiron/potiron
        Rss:                8308 kB
        Shared_Dirty:          0 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me
        5621e2bb7000-5621e3254000 r--p 02045000 fe:00 5392023                    /opt/potiron/potiron
        Rss:                2796 kB
        Private_Dirty:         8 kB
        Anonymous:             8 kB
        5621e3256000-5621e32b9000 rw-p 026e3000 fe:00 5392023                    /opt/potiron/potiron
        Rss:                 332 kB
        Anonymous:             0 kB
        5621e32b9000-5621e39c2000 rw-p 00000000 00:00 0
        Rss:                6928 kB
        Anonymous:          6928 kB
        7fcdef95c000-7fcdef982000 r--p 00000000 fe:00 332096                     /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                 152 kB
        Anonymous:             0 kB
        """;

    [Fact]
    public void Mappings_are_read_with_what_the_process_wrote_into_them()
    {
        var mappings = ExecutableMapping.Mappings(Sample.Split('\n')).ToList();

        // The anonymous mapping has no file: it is not one of ours to drop, and not listed.
        Assert.Equal(["/opt/potiron/potiron", "/opt/potiron/potiron", "/opt/potiron/potiron", "/opt/potiron/potiron", "/usr/lib/x86_64-linux-gnu/libc.so.6"],
            mappings.Select(m => m.File));
        var code = mappings[1];
        Assert.Equal(unchecked((nint)0x5621e0b98000), code.Start);
        Assert.Equal(unchecked((nint)0x5621e2360000), code.End);
        Assert.Equal("r-xp", code.Permissions);
        Assert.Equal(8308L * 1024, code.ResidentBytes);
        Assert.Equal([true, true, false, false, true], mappings.Select(m => m.IsCleanReadOnly));
        Assert.Equal(8L * 1024, mappings[2].WrittenBytes);
    }

    [Fact]
    public void Only_clean_read_only_mappings_are_dropped_and_the_process_goes_on()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Skip("/proc/self/smaps is Linux's");
        // Every file of the process counts as ours here (the runtime's libraries too), so that mappings with written
        // pages (relocated data, copied on write) are among the candidates and must be left whole.
        static bool AnyFile(string file) => true;
        static bool Stable(ExecutableMapping.Mapping m) => m.Permissions[3] == 'p' && !m.File.EndsWith(" (deleted)", StringComparison.Ordinal);
        var before = ExecutableMapping.Mappings(File.ReadLines("/proc/self/smaps")).ToList();
        var droppable = before.Where(m => m.IsCleanReadOnly).Sum(m => m.ResidentBytes);
        var written = before.Where(m => m.WrittenBytes > 0 && Stable(m)).ToList();
        Assert.True(droppable > 0, "the test host's libraries and assemblies have clean read-only pages");
        Assert.Contains(written, m => m.Permissions[1] == '-');   // read-only with written pages: what must not be dropped

        var released = ExecutableMapping.Release(File.ReadLines("/proc/self/smaps"), AnyFile);

        Assert.InRange(released, 1, droppable + (64L << 20));
        var after = ExecutableMapping.Mappings(File.ReadLines("/proc/self/smaps")).ToList();
        foreach (var kept in written)
        {
            var now = after.SingleOrDefault(m => m.Start == kept.Start && m.End == kept.End && m.File == kept.File);
            Assert.NotNull(now);
            Assert.True(now.WrittenBytes >= kept.WrittenBytes, $"{kept.File} at {kept.Start:x} lost written pages");
        }
        // The dropped code runs again, faulted back from the page cache.
        var tables = new Aggregation.CountTables(Aggregation.FieldSelection.All);
        Assert.Equal(0, tables.PacketCount);
    }
}
