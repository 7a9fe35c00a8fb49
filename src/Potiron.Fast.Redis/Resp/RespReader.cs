using System.Buffers.Text;
using System.Text;

namespace Potiron.Fast.Redis.Resp;

/// <summary>One reply that <see cref="RespReader.Read"/> kept: the kind, and its text or integer.</summary>
internal readonly record struct RespReply(RespReplyKind Kind, string? Text = null, long Integer = 0, int Length = 0)
{
    public bool IsError => Kind == RespReplyKind.Error;

    public override string ToString() => Kind switch
    {
        RespReplyKind.Integer => ":" + Integer,
        RespReplyKind.Array => "*" + Length,
        RespReplyKind.Nil => "(nil)",
        _ => Text ?? "",
    };
}

internal enum RespReplyKind
{
    SimpleString,
    Error,
    Integer,
    Bulk,
    Array,
    Nil,
}

/// <summary>
/// Reads RESP2 replies from a stream through one buffer. Arrays are read element by element, so a reply of millions of
/// elements (EXEC of a large transaction) is consumed in the memory of the buffer.
/// </summary>
internal sealed class RespReader(Stream stream, int bufferSize = 64 * 1024)
{
    // Bulk strings we keep are short (members, scores, errors); a longer one is skipped, not kept.
    private const int MaxKeptBulk = 4096;
    private const int MaxDepth = 8;

    private readonly byte[] _buffer = new byte[bufferSize];
    private int _start;
    private int _end;

    /// <summary>Reads one reply. An array gives its length only: its elements follow, each read by another call.</summary>
    public RespReply Read() => Read(keepText: true);

    /// <param name="keepText">False when only the reply's kind and errors matter (a transaction's replies, one or two
    /// per member committed): a bulk string is then skipped without making a string of it.</param>
    private RespReply Read(bool keepText)
    {
        var line = ReadLine(out var kind);
        switch (kind)
        {
            case (byte)'+':
                return new RespReply(RespReplyKind.SimpleString, SimpleText(line));
            case (byte)'-':
                return new RespReply(RespReplyKind.Error, Encoding.UTF8.GetString(line));
            case (byte)':':
                return new RespReply(RespReplyKind.Integer, Integer: Number(line));
            case (byte)'$':
            {
                var length = Number(line);
                if (length < 0)
                    return new RespReply(RespReplyKind.Nil);
                if (length > MaxKeptBulk || !keepText)
                {
                    Skip(length + 2);
                    return new RespReply(RespReplyKind.Bulk, Length: (int)Math.Min(length, int.MaxValue));
                }
                var text = Encoding.UTF8.GetString(Take((int)length));
                Take(2);
                return new RespReply(RespReplyKind.Bulk, text, Length: (int)length);
            }
            case (byte)'*':
            {
                var length = Number(line);
                return length < 0 ? new RespReply(RespReplyKind.Nil) : new RespReply(RespReplyKind.Array, Length: (int)length);
            }
            default:
                throw new RespProtocolException($"the server sent '{(char)kind}' where a reply starts");
        }
    }

    /// <summary>
    /// Reads a bulk string reply whole, however long (a file's record); null for nil. An error reply throws
    /// <see cref="RespServerException"/>.
    /// </summary>
    public byte[]? ReadBulkBytes()
    {
        var line = ReadLine(out var kind);
        if (kind == (byte)'-')
            throw new RespServerException(Encoding.UTF8.GetString(line));
        if (kind != (byte)'$')
            throw new RespProtocolException($"'{(char)kind}' where a bulk string was expected");
        var length = Number(line);
        if (length < 0)
            return null;
        if (length > Array.MaxLength)
            throw new RespProtocolException($"a bulk string of {length} bytes");
        var bytes = new byte[length];
        var copied = 0;
        while (copied < bytes.Length)
        {
            if (_start == _end)
                Fill();
            var step = Math.Min(bytes.Length - copied, _end - _start);
            _buffer.AsSpan(_start, step).CopyTo(bytes.AsSpan(copied));
            _start += step;
            copied += step;
        }
        Take(2);
        return bytes;
    }

    /// <summary>Reads one reply whole, nested arrays included; returns the first error found in it, or null.</summary>
    public string? Consume(int depth = 0)
    {
        var reply = Read(keepText: false);
        if (reply.IsError)
            return reply.Text;
        if (reply.Kind != RespReplyKind.Array)
            return null;
        if (depth == MaxDepth)
            throw new RespProtocolException("replies nested too deep");
        string? firstError = null;
        for (var i = 0; i < reply.Length; i++)
            firstError ??= Consume(depth + 1);
        return firstError;
    }

    // The simple strings a commit gets once per command: no new string for each.
    private static string SimpleText(ReadOnlySpan<byte> line) =>
        line.SequenceEqual("QUEUED"u8) ? "QUEUED" : line.SequenceEqual("OK"u8) ? "OK" : Encoding.UTF8.GetString(line);

    private ReadOnlySpan<byte> ReadLine(out byte kind)
    {
        while (true)
        {
            var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                kind = _buffer[_start];
                var line = _buffer.AsSpan(_start + 1, end - 1);
                _start += end + 2;
                return line;
            }
            if (_end - _start == _buffer.Length)
                throw new RespProtocolException("a reply line longer than the read buffer");
            Fill();
        }
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        while (_end - _start < length)
            Fill();
        var span = _buffer.AsSpan(_start, length);
        _start += length;
        return span;
    }

    private void Skip(long length)
    {
        while (length > 0)
        {
            if (_start == _end)
                Fill();
            var step = (int)Math.Min(length, _end - _start);
            _start += step;
            length -= step;
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
            throw new IOException("the server closed the connection");
        _end += read;
    }

    private static long Number(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out long value, out var used) && used == text.Length
            ? value
            : throw new RespProtocolException($"'{Encoding.UTF8.GetString(text)}' is not a number");
}

/// <summary>The server's bytes are not RESP as expected: the connection cannot be trusted any more.</summary>
internal sealed class RespProtocolException(string message) : IOException("Redis protocol error: " + message);

/// <summary>The server answered a command with an error reply.</summary>
internal sealed class RespServerException(string message) : Exception(message);
