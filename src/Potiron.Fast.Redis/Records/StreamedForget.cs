using Potiron.Fast.Redis.Resp;

namespace Potiron.Fast.Redis.Records;

/// <summary>How one attempt to forget a file ended.</summary>
internal enum ForgetAttempt
{
    Forgotten,
    /// <summary>The basename is not in <c>FILES</c>: nothing to forget.</summary>
    NotImported,
    /// <summary>A watched key changed before EXEC: nothing written, try again.</summary>
    Aborted,
}

/// <summary>
/// Takes one file's contribution out of the store in one transaction streamed over a <see cref="RespConnection"/>:
/// <c>WATCH FILES record</c>, the FILES check and the record; then <c>MULTI</c>, <c>SREM FILES name</c>, the record's
/// subtraction (<see cref="RecordSubtraction"/>), <c>DEL record</c>, <c>EXEC</c>. The days are cleaned after it
/// (<see cref="SensorDaysCleanup"/>).
/// </summary>
internal sealed class StreamedForget(RespConnection connection, string fileName)
{
    private readonly string _recordKey = PotironKeys.FileRecord(fileName);

    /// <summary>The record of the file forgotten by the last attempt.</summary>
    public FileRecordHeader? Forgotten { get; private set; }

    /// <summary>Tests only: runs between the WATCH round trip and MULTI.</summary>
    public Action? BetweenWatchAndMulti { get; init; }

    public ForgetAttempt Run()
    {
        var writer = connection.Writer;
        var reader = connection.Reader;
        writer.Command(3);
        writer.Bulk("WATCH"u8);
        writer.Bulk(PotironKeys.Files);
        writer.Bulk(_recordKey);
        writer.Command(3);
        writer.Bulk("SISMEMBER"u8);
        writer.Bulk(PotironKeys.Files);
        writer.Bulk(fileName);
        writer.Command(2);
        writer.Bulk("GET"u8);
        writer.Bulk(_recordKey);
        writer.Flush();
        var watch = reader.Read();
        var member = reader.Read();
        var record = reader.ReadBulkBytes();
        if (watch.IsError || member.IsError)
            throw new RespServerException((watch.IsError ? watch : member).Text!);
        if (member.Integer != 1)
        {
            connection.Call("UNWATCH");
            return ForgetAttempt.NotImported;
        }
        if (record is null)
        {
            connection.Call("UNWATCH");
            throw new FileRecordMissingException(fileName, "forgotten");
        }
        if (RecordSubtraction.CheckTypes(connection, record, []) is { } wrongType)
        {
            connection.Call("UNWATCH");
            throw new Aggregation.SinkConfigurationException($"{wrongType}: this database was written by something else; {fileName} is not forgotten (nothing written).");
        }
        BetweenWatchAndMulti?.Invoke();

        var replies = new TransactionReplies(reader);
        replies.Start();
        using var old = new FileRecordReader(record);
        try
        {
            writer.Command(1);
            writer.Bulk("MULTI"u8);
            writer.Command(3);
            writer.Bulk("SREM"u8);
            writer.Bulk(PotironKeys.Files);
            writer.Bulk(fileName);
            RecordSubtraction.WriteDecrements(writer, old);
            RecordSubtraction.WriteRemoveEmptied(writer, old.Header);
            writer.Command(2);
            writer.Bulk("DEL"u8);
            writer.Bulk(_recordKey);
            writer.Command(1);
            writer.Bulk("EXEC"u8);
            writer.Flush();
        }
        catch
        {
            replies.Abandon();
            throw;
        }
        if (!replies.Wait())
            return ForgetAttempt.Aborted;
        Forgotten = old.Header;
        return ForgetAttempt.Forgotten;
    }
}
