namespace Potiron.Fast.Redis.Tests;

public sealed class PotironKeysTests
{
    [Fact]
    public void Fixed_keys_are_the_originals()
    {
        Assert.Equal("FILES", PotironKeys.Files);
        Assert.Equal("PROTOCOLS", PotironKeys.Protocols);
        Assert.Equal("FIELDS", PotironKeys.Fields);
        Assert.Equal("JSON_FIELDS", PotironKeys.JsonFields);
        Assert.Equal("PARAMETERS", PotironKeys.Parameters);
    }

    [Fact]
    public void Standard_keys_follow_the_reference()
    {
        Assert.Equal("test-honeypot-1_DAYS", PotironKeys.SensorDays("test-honeypot-1"));
        Assert.Equal("test-honeypot-1:20140825:dport", PotironKeys.DayCounts("test-honeypot-1", "20140825", PotironField.DestinationPort));
        Assert.Equal("test-honeypot-1:tcp:20140825:iptos", PotironKeys.ProtocolDayCounts("test-honeypot-1", "tcp", "20140825", PotironField.IpTos));
        Assert.Equal("None:20140825:ipsrc", PotironKeys.Counts("None", new CountGroup("20140825", null, PotironField.IpSource, [])));
        Assert.Equal("s:253:20140825:protocol", PotironKeys.Counts("s", new CountGroup("20140825", "253", PotironField.Protocol, [])));
    }

    [Fact]
    public void Days_key_gives_back_its_sensor()
    {
        Assert.True(PotironKeys.TryGetSensorOfDaysKey("corpus-http-000_DAYS", out var sensor));
        Assert.Equal("corpus-http-000", sensor);
        Assert.False(PotironKeys.TryGetSensorOfDaysKey("_DAYS", out _));
        Assert.False(PotironKeys.TryGetSensorOfDaysKey("corpus-http-000:20241127:dport", out _));
    }

    [Fact]
    public void Isn_and_layer2_keys_follow_the_reference()
    {
        var time = new DateTime(2014, 8, 25, 20, 3, 20, DateTimeKind.Local).AddTicks(1_234_569); // .1234569 s
        var stamp = PotironKeys.KeyTimestamp(time);
        Assert.Equal("2014-08-25_20:03:20.123456", stamp); // truncated, not rounded
        Assert.Equal("test-honeypot-1_src40000_dst22_2014-08-25_20:03:20.123456", PotironKeys.IsnPacket("test-honeypot-1", "40000", "22", stamp));
        Assert.Equal("s_src_dst80_2014-08-25_20:03:20.123456", PotironKeys.IsnPacket("s", "", "80", stamp));
        Assert.Equal("s_10.0.0.1_2014-08-25_20:03:20.123456", PotironKeys.Layer2Packet("s", "10.0.0.1", stamp));
        Assert.Equal("s_20140825_count", PotironKeys.Layer2DayCount("s", "20140825"));
    }
}
