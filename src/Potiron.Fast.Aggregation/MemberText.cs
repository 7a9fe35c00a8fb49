using System.Globalization;
using System.Net;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// The exact member strings potiron stores (reference §3.5 and its value table): decimals, dotted quads,
/// <c>0x%02x</c> for <c>iptos</c>, and the defaults for absent values. Used only at flush time.
/// </summary>
public static class MemberText
{
    /// <summary>The member of an absent length, ttl, protocol, address, port, sequence or acknowledgement.</summary>
    public const string Absent = "-1";

    /// <summary>The member of an absent <c>iptos</c>: a plain zero, distinct from <c>0x00</c>.</summary>
    public const string AbsentTos = "0";

    /// <summary>The member of an absent ICMP code or type. It merges with a real 255: that is the original's contract.</summary>
    public const int AbsentIcmp = 255;

    // Decimal strings for -1 .. 65575 (every port, length, ttl, icmp value) are made once and shared by all flushes.
    private const int DecimalCacheSize = 65536 + 40 + 1;
    private static readonly string?[] DecimalCache = new string?[DecimalCacheSize];
    private static readonly string[] TosText = BuildTosText();

    /// <summary>Decimal text of a small value; -1 (absent) gives <c>-1</c>.</summary>
    public static string Decimal(int value)
    {
        var slot = value + 1;
        if ((uint)slot >= DecimalCacheSize)
            return value.ToString(CultureInfo.InvariantCulture);
        // A benign race: two threads may both format the same value; either string is correct.
        return DecimalCache[slot] ??= value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Decimal text of an unsigned 32-bit value (absolute TCP sequence and acknowledgement numbers).</summary>
    public static string Decimal(uint value) =>
        value < DecimalCacheSize - 1 ? Decimal((int)value) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>iptos</c> as tshark 4.x prints <c>ip.dsfield</c>: <c>0x%02x</c> lowercase; negative (absent) gives <c>0</c>.</summary>
    public static string Tos(int tos) => (uint)tos < 256u ? TosText[tos] : AbsentTos;

    /// <summary>ICMP code or type; absent (negative) gives 255.</summary>
    public static string Icmp(int value) => Decimal(value < 0 ? AbsentIcmp : value);

    /// <summary>Dotted quad of an IPv4 address held in host byte order.</summary>
    public static string Ipv4(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");

    /// <summary>RFC 5952 text of an IPv6 address (lowercase, longest zero run as <c>::</c>).</summary>
    public static string Ipv6(Ipv6Address address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.WriteTo(bytes);
        return new IPAddress(bytes).ToString();
    }

    /// <summary>Room for the longest member text in UTF-8 (an IPv6 address with an embedded IPv4 one: 45 bytes).</summary>
    public const int MaxUtf8Length = 64;

    /// <summary>Writes the decimal text of <paramref name="value"/>; returns the bytes written.</summary>
    public static int WriteDecimal(long value, Span<byte> destination)
    {
        if (!value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture))
            throw new ArgumentException("The destination is too small for a decimal.", nameof(destination));
        return written;
    }

    /// <summary>Writes <c>0x%02x</c> (lowercase) for a TOS byte, or <c>0</c> for an absent one (negative).</summary>
    public static int WriteTos(int tos, Span<byte> destination)
    {
        if ((uint)tos >= 256u)
        {
            destination[0] = (byte)'0';
            return 1;
        }
        destination[0] = (byte)'0';
        destination[1] = (byte)'x';
        destination[2] = (byte)"0123456789abcdef"[tos >> 4];
        destination[3] = (byte)"0123456789abcdef"[tos & 0xF];
        return 4;
    }

    /// <summary>Writes the dotted quad of an IPv4 address held in host byte order.</summary>
    public static int WriteIpv4(uint address, Span<byte> destination)
    {
        var length = WriteOctet(address >> 24, destination);
        destination[length++] = (byte)'.';
        length += WriteOctet((address >> 16) & 0xFF, destination[length..]);
        destination[length++] = (byte)'.';
        length += WriteOctet((address >> 8) & 0xFF, destination[length..]);
        destination[length++] = (byte)'.';
        return length + WriteOctet(address & 0xFF, destination[length..]);
    }

    /// <summary>Writes the RFC 5952 text of an IPv6 address (as <see cref="Ipv6(Ipv6Address)"/>).</summary>
    public static int WriteIpv6(Ipv6Address address, Span<byte> destination)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.WriteTo(bytes);
        // IPv6 values are rare (the IPv6 option only): one IPAddress per distinct value at flush is acceptable.
        if (!new IPAddress(bytes).TryFormat(destination, out var written))
            throw new ArgumentException("The destination is too small for an IPv6 address.", nameof(destination));
        return written;
    }

    private static int WriteOctet(uint octet, Span<byte> destination)
    {
        if (octet >= 100)
        {
            destination[0] = (byte)('0' + octet / 100);
            destination[1] = (byte)('0' + octet / 10 % 10);
            destination[2] = (byte)('0' + octet % 10);
            return 3;
        }
        if (octet >= 10)
        {
            destination[0] = (byte)('0' + octet / 10);
            destination[1] = (byte)('0' + octet % 10);
            return 2;
        }
        destination[0] = (byte)('0' + octet);
        return 1;
    }

    private static string[] BuildTosText()
    {
        var text = new string[256];
        for (var i = 0; i < text.Length; i++)
            text[i] = "0x" + i.ToString("x2", CultureInfo.InvariantCulture);
        return text;
    }
}
