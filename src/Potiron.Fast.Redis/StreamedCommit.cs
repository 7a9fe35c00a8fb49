using System.Text;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis.Records;
using Potiron.Fast.Redis.Resp;

namespace Potiron.Fast.Redis;

/// <summary>How one attempt to commit a file ended.</summary>
internal enum CommitAttempt
{
    Committed,
    /// <summary>The basename was in <c>FILES</c> already: nothing sent but the check.</summary>
    AlreadyImported,
    /// <summary>A watched key changed before EXEC (another process committed): nothing written, try again.</summary>
    Aborted,
}

/// <summary>
/// One file's commit as a single transaction streamed over a <see cref="RespConnection"/>, member by member from the
/// count tables, in the memory of the connection's buffers whatever the number of members.
/// </summary>
/// <remarks>
/// <para>The stream: <c>WATCH FILES {sensor}_DAYS [PROTOCOLS] k1 … kn</c>, <c>SISMEMBER FILES name</c> and <c>TYPE</c>
/// of each of those keys (one round trip; a key of the wrong type stops the commit before anything is written); then <c>MULTI</c>, <c>SADD FILES</c>, <c>SADD {sensor}_DAYS</c>, <c>SADD PROTOCOLS</c> (the original's
/// order), the counts, <c>EXEC</c>. A key that did not exist gets its members by variadic <c>ZADD</c>
/// (<see cref="ZaddChunk"/> a command; exact, since a member appears once in a group), an existing one by
/// <c>ZINCRBY</c>. The keys are watched, so if another process creates one of them before our EXEC, the transaction does
/// not run and is sent again (then with ZINCRBY for that key): never a ZADD that would overwrite a score.</para>
/// <para>Records: the transaction also writes the file's record (<see cref="PotironKeys.FileRecord"/>): <c>DEL</c> of the
/// record key after the SADDs, then the compressed record in <c>APPEND</c>s of <see cref="FileRecordFormat.ChunkSize"/>
/// bytes between the count commands as the members stream, so the record lands with the counts or not at all.</para>
/// <para>Replacing (<c>--force</c>): when the basename is in <c>FILES</c>, the old record is read under WATCH, and the
/// transaction subtracts its counts (<c>ZINCRBY key -count member</c>) before adding the new ones, then removes the
/// members left at zero or below (<c>ZREMRANGEBYSCORE key -inf 0</c> on each old key), so the counts end as if only the
/// new content had been imported. A file in <c>FILES</c> without a record cannot be replaced
/// (<see cref="FileRecordMissingException"/>).</para>
/// <para>The replies (<c>+QUEUED</c> per command, then EXEC's array) are read on a thread of their own while the commands
/// are written, so neither side's socket buffer can fill and stall the other.</para>
/// <para>If anything fails before EXEC is written (the counts, the socket, the server), the caller drops the connection
/// and the server discards the queued transaction: a file is written whole or not at all.</para>
/// </remarks>
internal sealed class StreamedCommit
{
    /// <summary>Members per variadic ZADD: large enough to amortise a command, small enough for the server's buffers.</summary>
    public const int ZaddChunk = 512;

    private static readonly byte[] ZincrbyName = Encoding.ASCII.GetBytes("$7\r\nZINCRBY\r\n");
    private static readonly byte[] ZaddName = Encoding.ASCII.GetBytes("$4\r\nZADD\r\n");
    private static readonly byte[] AppendName = Encoding.ASCII.GetBytes("$6\r\nAPPEND\r\n");

    private readonly RespConnection _connection;
    private readonly FileCounts _counts;
    private readonly bool _addNewKeys;
    private readonly bool _writeRecord;
    private readonly bool _replace;
    private readonly string[] _keys;
    private readonly string _recordKey;
    private FileRecordWriter? _record;

    /// <param name="addNewKeys">Variadic ZADD into keys that do not exist yet; false sends ZINCRBY for every member.</param>
    /// <param name="writeRecord">Writes the file's record with its counts.</param>
    /// <param name="replace">A file already in <c>FILES</c> is imported again in place of its recorded counts.</param>
    public StreamedCommit(RespConnection connection, FileCounts counts, bool addNewKeys, bool writeRecord = true, bool replace = false)
    {
        _connection = connection;
        _counts = counts;
        _addNewKeys = addNewKeys;
        _writeRecord = writeRecord;
        _replace = replace;
        _keys = counts.Groups.Select(g => PotironKeys.Counts(counts.Sensor, g)).ToArray();
        _recordKey = PotironKeys.FileRecord(counts.FileName);
    }

    /// <summary>The record of the import this commit replaced; null when it replaced none.</summary>
    public FileRecordHeader? Replaced { get; private set; }

    /// <summary>Tests only: see <see cref="RedisCountSinkOptions.BetweenWatchAndMulti"/>.</summary>
    public Action? BetweenWatchAndMulti { get; init; }

    /// <summary>Commands sent for the counts of the last attempt (ZINCRBY and ZADD).</summary>
    public long CountCommands { get; private set; }

    public CommitAttempt Run()
    {
        var prepared = Prepare();
        if (prepared is null)
            return CommitAttempt.AlreadyImported;
        var (existing, oldRecord) = prepared.Value;
        BetweenWatchAndMulti?.Invoke();

        var writer = _connection.Writer;
        var dayMembers = DayMembers(_counts);
        long countCommands = 0;
        for (var g = 0; g < _keys.Length; g++)
        {
            var members = _counts.Groups[g].MemberCount;
            countCommands += existing[g] ? members : (members + ZaddChunk - 1) / ZaddChunk;
        }

        // MULTI's +OK, a +QUEUED per command, then EXEC's reply.
        var replies = new TransactionReplies(_connection.Reader);
        replies.Start();
        FileRecordReader? old = null;
        try
        {
            writer.Command(1);
            writer.Bulk("MULTI"u8);
            writer.Command(3);
            writer.Bulk("SADD"u8);
            writer.Bulk(PotironKeys.Files);
            writer.Bulk(_counts.FileName);
            writer.Command(2 + dayMembers.Count);
            writer.Bulk("SADD"u8);
            writer.Bulk(PotironKeys.SensorDays(_counts.Sensor));
            foreach (var day in dayMembers)
                writer.Bulk(day);
            if (_counts.Protocols.Count > 0)
            {
                writer.Command(2 + _counts.Protocols.Count);
                writer.Bulk("SADD"u8);
                writer.Bulk(PotironKeys.Protocols);
                foreach (var protocol in _counts.Protocols)
                    writer.Bulk(protocol);
            }
            // A record left by an earlier import (replaced now, or a basename removed from FILES by hand) never outlives
            // the counts it described.
            writer.Command(2);
            writer.Bulk("DEL"u8);
            writer.Bulk(_recordKey);
            if (oldRecord is not null)
            {
                old = new FileRecordReader(oldRecord);
                RecordSubtraction.WriteDecrements(writer, old);
            }
            _record = _writeRecord ? new FileRecordWriter(_counts, _keys) : null;
            for (var g = 0; g < _keys.Length; g++)
            {
                var group = _counts.Groups[g];
                var key = RespWriter.Encode(_keys[g]);
                CountStream stream = existing[g] ? new IncrementStream(this, key) : new AddStream(this, key, group.MemberCount);
                group.WriteMembers(stream);
                if (stream.Written != group.MemberCount)
                    throw new InvalidOperationException($"{_keys[g]}: {stream.Written} members written where {group.MemberCount} were announced; the transaction is not sent.");
            }
            if (old is not null)
                RecordSubtraction.WriteRemoveEmptied(writer, old.Header);
            if (_record is not null)
            {
                _record.Finish();
                SendRecordChunk();
            }
            writer.Command(1);
            writer.Bulk("EXEC"u8);
            writer.Flush();
        }
        catch
        {
            // The caller drops the connection: the reply thread's read fails and it ends.
            replies.Abandon();
            throw;
        }
        finally
        {
            old?.Dispose();
            _record?.Dispose();
            _record = null;
        }
        CountCommands = countCommands;
        if (!replies.Wait())
            return CommitAttempt.Aborted;
        Replaced = old?.Header;
        return CommitAttempt.Committed;
    }

    /// <summary>
    /// Sends the record's compressed bytes as an APPEND when a chunk is ready; called between commands only (an APPEND in
    /// the middle of a variadic ZADD would break the stream).
    /// </summary>
    private void SendRecordChunk()
    {
        if (_record is not { ChunkReady: true })
            return;
        var writer = _connection.Writer;
        writer.Command(3);
        writer.Raw(AppendName);
        writer.Bulk(_recordKey);
        writer.Bulk(_record.PendingBytes);
        _record.ClearPending();
    }

    /// <summary>
    /// WATCH, the FILES check and TYPE of every key the transaction writes; null when the file is in FILES (and is not
    /// being replaced). A key of another type would make its commands fail inside EXEC after the others were applied
    /// (Redis does not roll back): that is refused here, before anything is written. When replacing, also the old record
    /// (read under WATCH, so a change of it before EXEC aborts the transaction), and TYPE of the keys it names.
    /// </summary>
    private (bool[] Existing, byte[]? OldRecord)? Prepare()
    {
        var writer = _connection.Writer;
        var reader = _connection.Reader;
        var sets = new List<string> { PotironKeys.SensorDays(_counts.Sensor) };
        if (_counts.Protocols.Count > 0)
            sets.Add(PotironKeys.Protocols);
        writer.Command(3 + sets.Count + _keys.Length);
        writer.Bulk("WATCH"u8);
        writer.Bulk(PotironKeys.Files);
        writer.Bulk(_recordKey);
        foreach (var key in sets)
            writer.Bulk(key);
        foreach (var key in _keys)
            writer.Bulk(key);
        writer.Command(3);
        writer.Bulk("SISMEMBER"u8);
        writer.Bulk(PotironKeys.Files);
        writer.Bulk(_counts.FileName);
        foreach (var key in sets.Concat(_keys))
        {
            writer.Command(2);
            writer.Bulk("TYPE"u8);
            writer.Bulk(key);
        }
        if (_replace)
        {
            writer.Command(2);
            writer.Bulk("GET"u8);
            writer.Bulk(_recordKey);
        }
        writer.Flush();

        Expect(reader.Read(), "WATCH");
        var imported = Expect(reader.Read(), "SISMEMBER").Integer == 1;
        string? wrongType = null;
        foreach (var key in sets)
        {
            var type = Expect(reader.Read(), "TYPE").Text;
            if (type is not ("none" or "set"))
                wrongType ??= $"{key} holds a {type}, not a set";
        }
        var existing = new bool[_keys.Length];
        for (var i = 0; i < _keys.Length; i++)
        {
            var type = Expect(reader.Read(), "TYPE").Text;
            if (type is not ("none" or "zset"))
                wrongType ??= $"{_keys[i]} holds a {type}, not a sorted set";
            existing[i] = !_addNewKeys || type != "none";
        }
        var oldRecord = _replace ? reader.ReadBulkBytes() : null;
        if (wrongType is null && imported && _replace)
        {
            if (oldRecord is null)
            {
                _connection.Call("UNWATCH");
                throw new FileRecordMissingException(_counts.FileName, "re-imported");
            }
            wrongType = RecordSubtraction.CheckTypes(_connection, oldRecord, _keys);
        }
        if ((!imported || _replace) && wrongType is null)
            return (existing, imported ? oldRecord : null);
        _connection.Call("UNWATCH");
        if (wrongType is not null)
            throw new SinkConfigurationException($"{wrongType}: this database was written by something else; {_counts.FileName} is not committed (nothing of it written).");
        return null;
    }

    private static RespReply Expect(RespReply reply, string command) =>
        reply.IsError ? throw new RespServerException(reply.Text!) : reply;

    internal static List<string> DayMembers(FileCounts counts)
    {
        // The filename day always goes in, even when no packet fell on it (reference §0.3).
        var days = new List<string>(counts.Days.Count + 1) { counts.FileNameDay };
        foreach (var day in counts.Days)
        {
            if (!days.Contains(day))
                days.Add(day);
        }
        return days;
    }

    /// <summary>Writes a group's members as commands, and into the record; counts them to check the announced number.</summary>
    private abstract class CountStream(StreamedCommit commit, byte[] key) : IMemberWriter
    {
        protected StreamedCommit Commit { get; } = commit;
        protected RespWriter Writer => Commit._connection.Writer;
        protected byte[] Key { get; } = key;
        public long Written { get; protected set; }

        public abstract void Write(ReadOnlySpan<byte> member, long count);
    }

    /// <summary><c>ZINCRBY key count member</c> per member: the key exists, its scores add up.</summary>
    private sealed class IncrementStream(StreamedCommit commit, byte[] key) : CountStream(commit, key)
    {
        public override void Write(ReadOnlySpan<byte> member, long count)
        {
            Writer.Command(4);
            Writer.Raw(ZincrbyName);
            Writer.Raw(Key);
            Writer.Bulk(count);
            Writer.Bulk(member);
            Written++;
            if (Commit._record is { } record)
            {
                record.Member(member, count);
                Commit.SendRecordChunk();
            }
        }
    }

    /// <summary><c>ZADD key c1 m1 c2 m2 …</c>, <see cref="ZaddChunk"/> members a command: the key is new.</summary>
    private sealed class AddStream(StreamedCommit commit, byte[] key, long members) : CountStream(commit, key)
    {
        public override void Write(ReadOnlySpan<byte> member, long count)
        {
            if (Written % ZaddChunk == 0)
            {
                var pairs = Math.Min(ZaddChunk, members - Written);
                if (pairs <= 0)
                    throw new InvalidOperationException("More members written than the group announced.");
                // Between two ZADDs: the one place in this key's stream where an APPEND may go.
                Commit.SendRecordChunk();
                Writer.Command(2 + 2 * (int)pairs);
                Writer.Raw(ZaddName);
                Writer.Raw(Key);
            }
            Writer.Bulk(count);
            Writer.Bulk(member);
            Commit._record?.Member(member, count);
            Written++;
        }
    }
}
