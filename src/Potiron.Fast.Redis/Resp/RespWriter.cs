using System.Buffers.Text;
using System.Text;

namespace Potiron.Fast.Redis.Resp;

/// <summary>
/// Writes Redis commands in RESP2 into one reusable buffer and sends it when it fills: a command stream of any length
/// costs the memory of the buffer. Synchronous, for the commit's writing thread.
/// </summary>
internal sealed class RespWriter(Stream stream, int bufferSize = 64 * 1024)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _length;

    /// <summary>Bytes handed to the stream so far.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Starts a command of <paramref name="arguments"/> arguments, its name included.</summary>
    public void Command(int arguments) => Prefixed((byte)'*', arguments);

    /// <summary>Writes preformatted RESP bytes (a command's fixed head).</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _length)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                stream.Write(bytes);
                BytesSent += bytes.Length;
                return;
            }
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Bulk(ReadOnlySpan<byte> value)
    {
        Prefixed((byte)'$', value.Length);
        Raw(value);
        Raw("\r\n"u8);
    }

    public void Bulk(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Prefixed((byte)'$', length);
        if (length + 2 > _buffer.Length - _length)
            Flush();
        if (length + 2 <= _buffer.Length)
        {
            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
            Raw("\r\n"u8);
            return;
        }
        Raw(Encoding.UTF8.GetBytes(value));
        Raw("\r\n"u8);
    }

    public void Bulk(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var length);
        Bulk(digits[..length]);
    }

    /// <summary>The RESP bytes of a whole bulk string, for heads that are written many times.</summary>
    public static byte[] Encode(params string[] bulks)
    {
        var text = new StringBuilder();
        foreach (var bulk in bulks)
            text.Append('$').Append(Encoding.UTF8.GetByteCount(bulk)).Append("\r\n").Append(bulk).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public void Flush()
    {
        if (_length == 0)
            return;
        stream.Write(_buffer, 0, _length);
        BytesSent += _length;
        _length = 0;
    }

    private void Prefixed(byte kind, long value)
    {
        if (_buffer.Length - _length < 24)
            Flush();
        var span = _buffer.AsSpan(_length);
        span[0] = kind;
        Utf8Formatter.TryFormat(value, span[1..], out var digits);
        span[1 + digits] = (byte)'\r';
        span[2 + digits] = (byte)'\n';
        _length += 3 + digits;
    }
}
