namespace Potiron.Fast.Aggregation.Tests;

public sealed class CaptureFileNameTests
{
    [Theory]
    [InlineData("/data/test-honeypot-1-20140826000000.cap.gz", "test-honeypot-1", "20140826")]
    [InlineData("test-honeypot-1-20140825000000.cap", "test-honeypot-1", "20140825")]
    [InlineData("rel/dir/a-b-c-20200101.pcapng", "a-b-c", "20200101")]
    [InlineData("a-b-c-2020", "a-b-c", "2020")]
    [InlineData("a-b-c-", "a-b-c", "")]
    public void Four_part_names_give_prefix_sensor_instance(string path, string sensor, string day)
    {
        var name = CaptureFileName.FromPath(path);
        Assert.Equal(sensor, name.Sensor);
        Assert.Equal(day, name.FileNameDay);
        Assert.Equal(Path.GetFileName(path), name.FileName);
        Assert.True(name.HasPotironForm);
        Assert.Null(name.Warning);
    }

    [Theory]
    [InlineData("my_capture.cap", "my_capture", "my_captu")]
    [InlineData("/x/a-b-c.pcapng.zst", "a-b-c", "c")]
    [InlineData("x-y-z-w-20140101.pcap", "x-y-z-w-20140101", "20140101")]
    [InlineData("trace.PCAP.GZ", "trace", "trace")]
    [InlineData("dump.pcap.lz4", "dump", "dump")]
    [InlineData("dump.cap.zst", "dump", "dump")]
    [InlineData("notes.gz", "notes.gz", "notes")]
    [InlineData(".pcap", ".pcap", "")]
    [InlineData("capture", "capture", "capture")]
    public void Other_names_give_their_stem_and_a_warning(string path, string sensor, string day)
    {
        var name = CaptureFileName.FromPath(path);
        Assert.Equal(sensor, name.Sensor);
        Assert.Equal(day, name.FileNameDay);
        Assert.False(name.HasPotironForm);
        Assert.NotNull(name.Warning);
        Assert.Contains(path, name.Warning, StringComparison.Ordinal);
        Assert.DoesNotContain("None", name.Sensor, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my_capture.cap", "my_captu")]
    [InlineData("test-honeypot-1-20140825000000.cap", "20140825")]
    public void Sensor_override_applies_to_every_file_without_a_warning(string path, string day)
    {
        var name = CaptureFileName.FromPath(path, "honeypot");
        Assert.Equal("honeypot", name.Sensor);
        Assert.Equal(day, name.FileNameDay);
        Assert.Null(name.Warning);
    }

    [Theory]
    [InlineData("/in/pre:fix-sensor-0-20240314000000.cap", "the sensor name 'pre:fix-sensor-0' holds ':'")]
    [InlineData("/in/honeypot-new\nline-0-20240314000000.cap", "the sensor name 'honeypot-new\\x0aline-0' holds a control character")]
    [InlineData("/in/tab\there.cap", "the sensor name 'tab\\x09here' holds a control character")]
    [InlineData("/in/a:b.cap", "the sensor name 'a:b' holds ':'")]
    public void Sensor_that_breaks_the_key_layout_is_a_problem_naming_the_rule(string path, string reason)
    {
        var name = CaptureFileName.FromPath(path);
        Assert.Equal($"not read: {reason}", name.Problem?[..(reason.Length + 10)]);
        Assert.EndsWith("(derived from the file name); rename the file or give --sensor NAME.", name.Problem, StringComparison.Ordinal);
        Assert.Null(CaptureFileName.FromPath(path, "renamed").Problem);
    }

    [Theory]
    [InlineData("honeypot-with space-0-20240314000000.cap", "honeypot-with space-0")]
    [InlineData("honeypot-$(touch x)`y`'\"-0-20240314000000.cap", "honeypot-$(touch x)`y`'\"-0")]
    [InlineData("honeypot-glob*?[x]_DAYS-0-20240314000000.cap", "honeypot-glob*?[x]_DAYS-0")]
    [InlineData("honeypot-bytes\\xff\\xfe-0-20240314000000.cap", "honeypot-bytes\\xff\\xfe-0")]
    [InlineData("honeypot-colon-0-20240314T00:00:00.cap", "honeypot-colon-0")]
    [InlineData("honeypot-nl-0-20240314\n.cap", "honeypot-nl-0")]
    public void Shell_characters_and_escaped_bytes_are_kept_in_the_sensor(string path, string sensor)
    {
        var name = CaptureFileName.FromPath(path);
        Assert.Equal(sensor, name.Sensor);
        Assert.Null(name.Problem);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("a:b", false)]
    [InlineData("a\u0085b", false)]
    [InlineData("a\u007fb", false)]
    [InlineData("a b", true)]
    [InlineData("ünïcødé", true)]
    [InlineData("-x-sensor-0", true)]
    public void Sensor_rule(string sensor, bool valid)
    {
        Assert.Equal(valid, SensorName.TryValidate(sensor, out var error));
        Assert.Equal(valid, error is null);
        Assert.Equal(valid, CaptureFileName.FromPath("p-s-i-20240101.cap", sensor).Problem is null);
    }

    [Fact]
    public void Flush_takes_the_names_from_the_capture_file_name()
    {
        var tables = new CountTables(FieldSelection.All);
        tables.Count(1, Packet.Ipv4("1.2.3.4", "5.6.7.8", 6, 40));
        var counts = tables.ToFileCounts(CaptureFileName.FromPath("/in/p-s-i-20240101120000.pcap"));
        Assert.Equal(("p-s-i", "p-s-i-20240101120000.pcap", "20240101"), (counts.Sensor, counts.FileName, counts.FileNameDay));
        Assert.Equal(["19700102"], counts.Days);
    }
}
