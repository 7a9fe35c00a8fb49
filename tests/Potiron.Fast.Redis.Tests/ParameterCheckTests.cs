using System.Text.RegularExpressions;

namespace Potiron.Fast.Redis.Tests;

/// <summary>
/// Every branch of the check-or-store of §3.2 against a real redis-server. Expected messages are the original's, as its
/// <c>potiron_parameters.py</c> printed them for the same runs.
/// </summary>
[Collection(RedisServerCollection.Name)]
public sealed class ParameterCheckTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const string DefaultCommand =
        "tshark -n -q -Tfields -e frame.time_epoch -e ip.len -e ip.proto -e ip.src -e ip.dst -e ip.ttl -e ip.dsfield -e tcp.srcport -e udp.srcport -e tcp.dstport -e udp.dstport -e tcp.seq -e tcp.ack -e icmp.code -e icmp.type -E header=n -E separator=/s -E occurrence=f -Y 'ip.dst ne 255.255.255.255' -r {} -o tcp.relative_sequence_numbers:FALSE";

    private PotironStoreConnection connection = null!;

    public async ValueTask InitializeAsync()
    {
        await redis.FlushAsync();
        connection = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private Task<ParameterCheckResult> Check(RunParameters run, ParameterCheckOptions? options = null) =>
        ParameterCheck.CheckOrStoreAsync(connection.Database, PotironParameters.Create(run), options, TestContext.Current.CancellationToken);

    private Task<CanonicalDump> Dump() => CanonicalDump.ReadAsync(redis.Multiplexer);

    private async Task<SinkConfigurationException> Refused(RunParameters run, ParameterCheckOptions? options = null)
    {
        var before = (await Dump()).Render();
        var refusal = await Assert.ThrowsAsync<SinkConfigurationException>(() => Check(run, options));
        Assert.Equal(before, (await Dump()).Render()); // a refused run writes nothing
        return refusal;
    }

    [Fact]
    public async Task Empty_database_gets_the_parameters_of_the_oracle()
    {
        var result = await Check(new RunParameters());
        Assert.Equal(ParameterCheckOutcome.Stored, result.Outcome);
        Assert.Empty(result.Notices);
        var dump = await Dump();
        Assert.Equal(["FIELDS", "JSON_FIELDS", "PARAMETERS"], dump.Keys.Keys);
        var oracle = RepositoryFolders.SharedFile("oracle", "standard", "corpus-http-000-20241127174516.pcap.json");
        if (oracle is not null)
        {
            var comparison = CanonicalDump.Compare(CanonicalDump.Load(oracle).Where(k => dump.Keys.ContainsKey(k)), dump);
            Assert.True(comparison.Identical, comparison.ToString());
        }
        Assert.Equal(DefaultCommand, (string?)await redis.Database.HashGetAsync("PARAMETERS", "cmd"));
    }

    [Fact]
    public async Task Same_parameters_again_match()
    {
        await Check(new RunParameters { CombinedKeys = true });
        var before = (await Dump()).Render();
        var result = await Check(new RunParameters { CombinedKeys = true });
        Assert.Equal(ParameterCheckOutcome.Matched, result.Outcome);
        Assert.Equal(before, (await Dump()).Render());
    }

    [Fact]
    public async Task Another_user_filter_is_refused_with_both_critical_entries()
    {
        await Check(new RunParameters());
        var refusal = await Refused(new RunParameters { UserFilter = "tcp.port == 22" });
        Assert.Equal(
            "[INFO] Error with some of the critical parameters:\n - tshark_filter:\n\t - current value: 'ip.dst ne 255.255.255.255 && tcp.port == 22'\n\t - value saved in redis: ''\n - cmd:\n\t - current value: '" +
            DefaultCommand.Replace("'ip.dst ne 255.255.255.255'", "'ip.dst ne 255.255.255.255 && tcp.port == 22'", StringComparison.Ordinal) +
            "'\n\t - value saved in redis: '" + DefaultCommand + "'",
            refusal.Message);
    }

    [Fact]
    public async Task Another_field_filter_is_refused()
    {
        await Check(new RunParameters());
        Assert.True(FieldSelection.TryCreate(["ip.src"], out var fields, out _));
        var refusal = await Refused(new RunParameters { Fields = fields });
        Assert.StartsWith("[INFO] Fields you are trying to ingest are not the same as the ones currently used: {'timestamp', 'length', ", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_fields_in_another_order_pass_the_set_comparison_but_not_the_command()
    {
        Assert.True(FieldSelection.TryCreate(["ip.src", "ip.dst"], out var first, out _));
        Assert.True(FieldSelection.TryCreate(["ip.dst", "ip.src"], out var second, out _));
        await Check(new RunParameters { Fields = first });
        var refusal = await Refused(new RunParameters { Fields = second });
        Assert.StartsWith("[INFO] Error with some of the critical parameters:\n - cmd:", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Combined_keys_flip_with_a_notice()
    {
        await Check(new RunParameters());
        var result = await Check(new RunParameters { CombinedKeys = true });
        Assert.Equal(ParameterCheckOutcome.Updated, result.Outcome);
        Assert.Equal(
            ["[INFO] Some not critical parameters have changed, the execution is not compromised but notice the following changes:\n - ck: False changed into True"],
            result.Notices);
        Assert.Equal("True", (string?)await redis.Database.HashGetAsync("PARAMETERS", "ck"));
    }

    [Fact]
    public async Task Combined_keys_are_critical_in_strict_mode()
    {
        await Check(new RunParameters());
        var refusal = await Refused(new RunParameters { CombinedKeys = true }, new ParameterCheckOptions { CombinedKeysCritical = true });
        Assert.Equal("[INFO] Error with some of the critical parameters:\n - ck:\n\t - current value: 'True'\n\t - value saved in redis: 'False'", refusal.Message);
    }

    [Fact]
    public async Task Json_output_changes_two_entries_with_one_notice()
    {
        await Check(new RunParameters());
        var result = await Check(new RunParameters { EnableJson = true, OutputDirectory = "out/" });
        Assert.Equal(
            ["[INFO] Some not critical parameters have changed, the execution is not compromised but notice the following changes:\n - rootdir: None changed into out/\n - enable_json: False changed into True"],
            result.Notices);
    }

    [Theory]
    [InlineData(IngestFormat.Standard, IngestFormat.Isn, "[INFO] Format error: You want to store data in isn format but this redis instance is used to store data in standard format.")]
    [InlineData(IngestFormat.Isn, IngestFormat.Layer2, "[INFO] Format error: You want to store data in layer2 format but this redis instance is used to store data in isn format.")]
    [InlineData(IngestFormat.Layer2, IngestFormat.Standard, "[INFO] Format error: You want to store data in standard format but this redis instance is used to store data in layer2 format.")]
    [InlineData(IngestFormat.Isn, IngestFormat.Standard, "[INFO] Format error: You want to store data in standard format but this redis instance is used to store data in isn format.")]
    public async Task Another_format_is_refused(IngestFormat stored, IngestFormat run, string message)
    {
        await Check(new RunParameters { Format = stored });
        var refusal = await Refused(new RunParameters { Format = run });
        Assert.Equal(message, refusal.Message);
    }

    [Fact]
    public async Task Isn_database_gets_only_the_parameters()
    {
        var result = await Check(new RunParameters { Format = IngestFormat.Isn });
        Assert.Equal(ParameterCheckOutcome.Stored, result.Outcome);
        Assert.Equal(["PARAMETERS"], (await Dump()).Keys.Keys);
        Assert.Equal(ParameterCheckOutcome.Matched, (await Check(new RunParameters { Format = IngestFormat.Isn })).Outcome);
    }

    [Fact]
    public async Task Legacy_model_is_refused()
    {
        await redis.Database.SetAddAsync("FIELDS", ["length", "protocol"]);
        await redis.Database.SetAddAsync("CK", "YES");
        var refusal = await Refused(new RunParameters());
        Assert.Contains("legacy model", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("FIELDS is a set and CK exists", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Legacy_fields_set_alone_is_refused()
    {
        await redis.Database.SetAddAsync("FIELDS", "length");
        await redis.Database.HashSetAsync("PARAMETERS", "format", "standard");
        var refusal = await Refused(new RunParameters());
        Assert.Contains("legacy model (FIELDS is a set)", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PARAMETERS", "string", "hash")]
    [InlineData("FILES", "string", "set")]
    [InlineData("JSON_FIELDS", "string", "list")]
    public async Task A_key_of_the_wrong_type_is_refused(string key, string found, string expected)
    {
        await redis.Database.StringSetAsync(key, "x");
        var refusal = await Refused(new RunParameters());
        Assert.Equal($"Key {key} of this database is a {found}, but potiron keeps a {expected} there: the database holds something potiron did not write. Use another database.", refusal.Message);
    }

    [Fact]
    public async Task Hash_with_fewer_entries_gets_the_missing_ones_added()
    {
        // As after the original's JSON import (store_json_data.py writes ck, format and tshark_filter only).
        await redis.Database.ListRightPushAsync("FIELDS", PotironParameters.Create(new RunParameters()).Fields.Select(f => (RedisValue)f).ToArray());
        await redis.Database.HashSetAsync("PARAMETERS", [new("ck", "False"), new("format", "standard"), new("tshark_filter", "")]);
        var result = await Check(new RunParameters());
        Assert.Equal(ParameterCheckOutcome.Updated, result.Outcome);
        Assert.Equal(
        [
            "Adding to parameters rootdir value: None.", "Adding to parameters enable_json value: False.",
            "Adding to parameters cmd value: " + DefaultCommand + ".", "Adding to parameters port_score value: 15.",
            "Adding to parameters ip_score value: 3.", "Adding to parameters to_call value: _parse_ips_parse_ports_parse_protocol.",
        ], result.Notices);
        Assert.Equal(9, await redis.Database.HashLengthAsync("PARAMETERS"));
    }

    [Fact]
    public async Task Hash_with_fewer_entries_and_a_conflict_is_refused()
    {
        await redis.Database.ListRightPushAsync("FIELDS", PotironParameters.Create(new RunParameters()).Fields.Select(f => (RedisValue)f).ToArray());
        await redis.Database.HashSetAsync("PARAMETERS", [new("ck", "False"), new("format", "standard"), new("tshark_filter", "x")]);
        var refusal = await Refused(new RunParameters());
        Assert.Equal("Error with a critical parameter: tshark_filter                 should be x but is currently .", refusal.Message);
    }

    [Fact]
    public async Task Parameters_without_fields_get_both_lists_appended_as_the_original_does()
    {
        // A JSON-only import leaves JSON_FIELDS and PARAMETERS but no FIELDS (reference §13 #12 and #31).
        var defaults = PotironParameters.Create(new RunParameters());
        await redis.Database.ListRightPushAsync("JSON_FIELDS", defaults.JsonFields.Select(f => (RedisValue)f).ToArray());
        await redis.Database.HashSetAsync("PARAMETERS", [new("ck", "False"), new("format", "standard"), new("tshark_filter", "")]);
        Assert.Equal(ParameterCheckOutcome.Stored, (await Check(new RunParameters())).Outcome);
        Assert.Equal(2 * defaults.JsonFields.Count, await redis.Database.ListLengthAsync("JSON_FIELDS"));
        Assert.Equal(defaults.Fields.Count, await redis.Database.ListLengthAsync("FIELDS"));
        Assert.Equal(9, await redis.Database.HashLengthAsync("PARAMETERS"));
    }

    [Fact]
    public async Task Ipv6_and_ipv4_databases_do_not_mix()
    {
        await Check(new RunParameters { Ipv6 = true });
        Assert.Equal("True", (string?)await redis.Database.HashGetAsync("PARAMETERS", "ipv6"));
        Assert.Equal(ParameterCheckOutcome.Matched, (await Check(new RunParameters { Ipv6 = true })).Outcome);
        Assert.Contains("counts IPv6 packets too", (await Refused(new RunParameters())).Message, StringComparison.Ordinal);

        await redis.FlushAsync();
        await Check(new RunParameters());
        Assert.Contains("IPv4 packets only", (await Refused(new RunParameters { Ipv6 = true })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_runs_starting_together_store_the_lists_once()
    {
        for (var round = 0; round < 5; round++)
        {
            await redis.FlushAsync();
            await using var other = await PotironStoreConnection.ConnectAsync(RedisConnectionOptions.ForUnixSocket(redis.SocketPath), TestContext.Current.CancellationToken);
            var parameters = PotironParameters.Create(new RunParameters());
            var results = await Task.WhenAll(
                Task.Run(() => ParameterCheck.CheckOrStoreAsync(connection.Database, parameters)),
                Task.Run(() => ParameterCheck.CheckOrStoreAsync(other.Database, parameters)));
            Assert.Contains(results, r => r.Outcome == ParameterCheckOutcome.Stored);
            Assert.Equal(15, await redis.Database.ListLengthAsync("FIELDS"));
            Assert.Equal(12, await redis.Database.ListLengthAsync("JSON_FIELDS"));
        }
    }

    [Fact]
    public async Task Sink_open_reports_notices_through_the_callback()
    {
        await Check(new RunParameters());
        var notices = new List<string>();
        await using var sink = new RedisCountSink(connection, new RedisCountSinkOptions { Notice = notices.Add });
        await sink.OpenAsync(new RunParameters { CombinedKeys = true }, TestContext.Current.CancellationToken);
        Assert.Single(notices);
        Assert.Matches(new Regex("^\\[INFO\\] Some not critical parameters have changed"), notices[0]);
        Assert.Equal(ParameterCheckOutcome.Updated, sink.ParameterCheckResult!.Outcome);
    }
}
