using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Potiron.Fast.TestSupport;

/// <summary>
/// Python's <c>json.dumps(v, ensure_ascii=False, sort_keys=True)</c> for the values of a canonical dump: ", " and ": "
/// separators, keys sorted by code point, only <c>"</c>, <c>\</c> and control characters escaped, and floats as Python's
/// <c>repr</c> prints them (<c>2.5</c>, <c>1e-05</c>, <c>1e+16</c>).
/// </summary>
internal static class PythonJson
{
    public static string Dumps(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(text, node);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        text.Append(", ");
                    Write(text, array[i]);
                }
                text.Append(']');
                break;
            case JsonObject map:
                text.Append('{');
                var first = true;
                foreach (var (key, value) in map.OrderBy(p => p.Key, CanonicalDump.Utf8Order.Instance))
                {
                    if (!first)
                        text.Append(", ");
                    first = false;
                    WriteString(text, key);
                    text.Append(": ");
                    Write(text, value);
                }
                text.Append('}');
                break;
            case JsonValue value:
                WriteValue(text, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonValue value)
    {
        if (value.TryGetValue<string>(out var s))
        {
            WriteString(text, s);
            return;
        }
        if (value.TryGetValue<bool>(out var b))
        {
            text.Append(b ? "true" : "false");
            return;
        }
        if (IsInteger(value, out var whole))
        {
            text.Append(whole.ToString(CultureInfo.InvariantCulture));
            return;
        }
        text.Append(FloatRepr(ToDouble(value)));
    }

    /// <summary>True for a JSON integer (an int64 value, or parsed text without fraction or exponent).</summary>
    public static bool IsInteger(JsonValue value, out long whole)
    {
        if (value.TryGetValue<long>(out whole))
            return true;
        if (value.TryGetValue<int>(out var small))
        {
            whole = small;
            return true;
        }
        if (value.TryGetValue<JsonElement>(out var element) && element.ValueKind == JsonValueKind.Number)
        {
            var raw = element.GetRawText();
            if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && element.TryGetInt64(out whole))
                return true;
        }
        whole = 0;
        return false;
    }

    /// <summary>A number node as a double; the strings <c>inf</c>/<c>-inf</c> as infinities; null otherwise.</summary>
    public static double? AsNumber(JsonNode? node)
    {
        if (node is not JsonValue value)
            return null;
        if (value.TryGetValue<string>(out var s))
            return s switch { "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, _ => null };
        if (value.TryGetValue<bool>(out _))
            return null;
        return ToDouble(value);
    }

    private static double ToDouble(JsonValue value)
    {
        if (value.TryGetValue<double>(out var d))
            return d;
        if (value.TryGetValue<long>(out var l))
            return l;
        if (value.TryGetValue<JsonElement>(out var element) && element.ValueKind == JsonValueKind.Number)
            return element.GetDouble();
        throw new FormatException("not a number: " + value.ToJsonString());
    }

    private static void WriteString(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20)
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits; exponent form below 1e-4 and from 1e16 on.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
            return "NaN";
        if (double.IsInfinity(value))
            return value > 0 ? "Infinity" : "-Infinity";
        if (value == 0)
            return double.IsNegative(value) ? "-0.0" : "0.0";

        // Digits D and decimal point position P with |value| = 0.D × 10^P, from .NET's shortest round-trip text.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            shortest = shortest[..e];
        }
        var dot = shortest.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? shortest : shortest[..dot];
        var fraction = dot < 0 ? "" : shortest[(dot + 1)..];
        var digits = integerPart + fraction;
        var point = integerPart.Length + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0');
        point -= leading;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";

        var sign = value < 0 ? "-" : "";
        if (point <= -4 || point > 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var power = point - 1;
            return sign + mantissa + "e" + (power < 0 ? "-" : "+") + Math.Abs(power).ToString("00", CultureInfo.InvariantCulture);
        }
        if (point <= 0)
            return sign + "0." + new string('0', -point) + digits;
        if (point >= digits.Length)
            return sign + digits + new string('0', point - digits.Length) + ".0";
        return sign + digits[..point] + "." + digits[point..];
    }
}
