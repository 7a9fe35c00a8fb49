using System.Globalization;
using System.Text.Json;
using Potiron.Fast.Ingest;

namespace Potiron.Fast.Cli;

/// <summary>The stats block that ends a run, as text for a person or as JSON for a program (same content).</summary>
internal static class StatsReport
{
    /// <param name="stoppedBy">What stopped a cancelled run (SIGINT, SIGTERM), for the closing line.</param>
    /// <param name="traffic">What the Redis sink sent, when the run stored into Redis.</param>
    public static void WriteText(TextWriter output, IngestResult result, string? stoppedBy = null, StoreTraffic? traffic = null)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("--- potiron ingest ---");
        var notDone = result.Cancelled ? string.Create(c, $", {result.FilesCancelled} not done") : "";
        output.WriteLine(string.Create(c, $"files          {result.Files.Count} ({result.FilesImported} imported, {result.FilesSkipped} skipped, {result.FilesFailed} failed, {result.FilesDamaged} damaged{notDone})"));
        if (result.Cancelled)
            output.WriteLine(string.Create(c, $"stopped        by {stoppedBy ?? "cancellation"}: {result.FilesCancelled} files not done, nothing of them written; run the same command again to finish"));
        if (result.InputErrors.Count > 0)
            output.WriteLine(string.Create(c, $"input errors   {result.InputErrors.Count}"));
        output.WriteLine(string.Create(c, $"bytes          {result.Bytes:N0}"));
        output.WriteLine(string.Create(c, $"packets        {result.Packets:N0}"));
        output.WriteLine(string.Create(c, $"counted        {result.PacketsCounted:N0}"));
        output.WriteLine(string.Create(c, $"members        {result.Members:N0}"));
        if (traffic is { } sent)
            output.WriteLine(string.Create(c, $"store          {sent.CountCommands:N0} ZADD/ZINCRBY commands for {sent.Members:N0} members ({sent.CommandsPerMember:0.###} a member)"));
        if (result.PacketsWithoutTimestamp > 0)
            output.WriteLine(string.Create(c, $"no timestamp   {result.PacketsWithoutTimestamp:N0} (not counted: no day)"));
        if (result.PacketsOutOfCalendar > 0)
            output.WriteLine(string.Create(c, $"out of range   {result.PacketsOutOfCalendar:N0} (timestamp beyond the calendar: not counted)"));
        foreach (var (name, count) in result.DecodeEvents.OrderBy(e => e.Key))
            output.WriteLine(string.Create(c, $"  {name,-28} {count:N0}"));
        output.WriteLine(string.Create(c, $"elapsed        {result.Elapsed.TotalSeconds:F3} s"));
        output.WriteLine(string.Create(c, $"rate           {result.PacketsPerSecond:N0} packets/s, {result.MegabytesPerSecond:F1} MB/s"));
        foreach (var error in result.InputErrors)
            output.WriteLine($"error: {error}");
        foreach (var file in result.Files.Where(f => f.Outcome is FileOutcome.Failed or FileOutcome.ImportedDamaged))
            output.WriteLine($"{(file.Outcome == FileOutcome.Failed ? "failed" : "damaged")}: {file.Problem?.ToString() ?? string.Join("; ", file.Notes)}");
        foreach (var warning in result.Files.SelectMany(f => f.Warnings))
            output.WriteLine($"warning: {warning}");
    }

    /// <summary>
    /// Exit code 1: an input failed or was damaged, and also one that was read only in part (a truncated last record,
    /// a cut compressed stream) or was empty. Those are warnings to the reader, but the run must not look clean when
    /// a file gave less than it holds: "never a silent loss" (README).
    /// </summary>
    public static void WriteJson(Stream output, IngestResult result, string? stoppedBy = null, StoreTraffic? traffic = null)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("files", result.Files.Count);
        json.WriteNumber("filesImported", result.FilesImported);
        json.WriteNumber("filesSkipped", result.FilesSkipped);
        json.WriteNumber("filesFailed", result.FilesFailed);
        json.WriteNumber("filesDamaged", result.FilesDamaged);
        json.WriteNumber("filesNotDone", result.FilesCancelled);
        json.WriteBoolean("stopped", result.Cancelled);
        if (result.Cancelled)
            json.WriteString("stoppedBy", stoppedBy ?? "cancellation");
        json.WriteNumber("bytes", result.Bytes);
        json.WriteNumber("packets", result.Packets);
        json.WriteNumber("packetsCounted", result.PacketsCounted);
        json.WriteNumber("members", result.Members);
        if (traffic is { } sent)
        {
            json.WriteNumber("storeCountCommands", sent.CountCommands);
            json.WriteNumber("storeMembers", sent.Members);
        }
        json.WriteNumber("packetsWithoutTimestamp", result.PacketsWithoutTimestamp);
        json.WriteNumber("packetsOutOfCalendar", result.PacketsOutOfCalendar);
        json.WriteNumber("elapsedSeconds", result.Elapsed.TotalSeconds);
        json.WriteNumber("packetsPerSecond", result.PacketsPerSecond);
        json.WriteNumber("megabytesPerSecond", result.MegabytesPerSecond);
        json.WriteStartObject("anomalies");
        foreach (var (name, count) in result.DecodeEvents.OrderBy(e => e.Key))
            json.WriteNumber(name.ToString(), count);
        json.WriteEndObject();
        json.WriteStartArray("inputErrors");
        foreach (var error in result.InputErrors)
            json.WriteStringValue(error);
        json.WriteEndArray();
        json.WriteStartArray("perFile");
        foreach (var file in result.Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteString("fileName", file.FileName);
            json.WriteString("sensor", file.Sensor);
            json.WriteString("outcome", file.Outcome.ToString());
            json.WriteNumber("bytes", file.Bytes);
            json.WriteNumber("packets", file.Packets);
            json.WriteNumber("packetsCounted", file.PacketsCounted);
            json.WriteNumber("members", file.Members);
            if (file.Problem is not null)
            {
                json.WriteStartObject("problem");
                json.WriteString("kind", file.Problem.Kind.ToString());
                json.WriteNumber("offset", file.Problem.Offset);
                json.WriteNumber("record", file.Problem.RecordIndex);
                json.WriteString("reason", file.Problem.Reason);
                json.WriteBoolean("fatal", file.Problem.IsFatal);
                json.WriteEndObject();
            }
            json.WriteStartArray("warnings");
            foreach (var warning in file.Warnings)
                json.WriteStringValue(warning.ToString());
            foreach (var note in file.Notes)
                json.WriteStringValue(note);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }
}

/// <summary>
/// What the Redis sink sent for the counts of the committed files: the sorted-set commands (variadic ZADD into new keys,
/// ZINCRBY into existing ones) and the members they carried, the "commands per distinct value" of issue 3.
/// </summary>
internal readonly record struct StoreTraffic(long CountCommands, long Members)
{
    public double CommandsPerMember => Members == 0 ? 0 : (double)CountCommands / Members;
}
