using System.Text;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Redis.Resp;

namespace Potiron.Fast.Redis.Records;

/// <summary>
/// After a file's counts were taken out, removes from <c>PROTOCOLS</c> the names of which no combined key
/// (<c>{sensor}:{protocol}:{day}:{field}</c>, any sensor and day) remains, so the store equals one where the file was never
/// imported.
/// </summary>
/// <remarks>
/// Whether such a key remains is a <c>SCAN</c> of the keyspace (combined keys of every sensor and day; only a forget or a
/// re-import that lost a protocol pays it). The removal is guarded by WATCH on <c>PROTOCOLS</c> and <c>FILES</c>, which
/// every new import changes; a concurrent re-import (<c>--force</c>) of another file that brings the protocol back between
/// the scan and the removal is the one case it does not see (the name is then missing until that protocol is imported
/// again).
/// </remarks>
internal static class ProtocolsCleanup
{
    private const int MaximumAttempts = 100;

    /// <summary>Removes the <paramref name="protocols"/> of which no combined key remains; returns them.</summary>
    public static IReadOnlyList<string> Run(RespConnection connection, IReadOnlyCollection<string> protocols)
    {
        if (protocols.Count == 0)
            return [];
        for (var attempt = 1; attempt <= MaximumAttempts; attempt++)
        {
            connection.Call("WATCH", PotironKeys.Protocols, PotironKeys.Files);
            var unused = protocols.Where(p => !AnyKey(connection, $"*:{Glob(p)}:????????:*")).ToList();
            if (unused.Count == 0)
            {
                connection.Call("UNWATCH");
                return [];
            }
            connection.Writer.Command(1);
            connection.Writer.Bulk("MULTI"u8);
            connection.Writer.Command(2 + unused.Count);
            connection.Writer.Bulk("SREM"u8);
            connection.Writer.Bulk(PotironKeys.Protocols);
            foreach (var protocol in unused)
                connection.Writer.Bulk(protocol);
            connection.Writer.Command(1);
            connection.Writer.Bulk("EXEC"u8);
            connection.Writer.Flush();
            Expect(connection.Reader.Read());
            Expect(connection.Reader.Read());
            var exec = Expect(connection.Reader.Read());
            if (exec.Kind == RespReplyKind.Array)
            {
                Expect(connection.Reader.Read());
                return unused;
            }
        }
        throw new SinkConfigurationException($"{PotironKeys.Protocols} and {PotironKeys.Files} changed during each of {MaximumAttempts} attempts to drop protocol names of which nothing remains; they stay listed.");
    }

    /// <summary>True as soon as a SCAN page holds a key matching <paramref name="pattern"/>.</summary>
    private static bool AnyKey(RespConnection connection, string pattern)
    {
        var cursor = "0";
        do
        {
            connection.Writer.Command(6);
            connection.Writer.Bulk("SCAN"u8);
            connection.Writer.Bulk(cursor);
            connection.Writer.Bulk("MATCH"u8);
            connection.Writer.Bulk(pattern);
            connection.Writer.Bulk("COUNT"u8);
            connection.Writer.Bulk("1000"u8);
            connection.Writer.Flush();
            var reply = Expect(connection.Reader.Read());
            if (reply.Kind != RespReplyKind.Array || reply.Length != 2)
                throw new RespProtocolException($"{reply} as the reply to SCAN");
            cursor = Expect(connection.Reader.Read()).Text ?? throw new RespProtocolException("no SCAN cursor");
            var keys = Expect(connection.Reader.Read());
            var found = keys.Length > 0;
            for (var i = 0; i < keys.Length; i++)
                connection.Reader.Consume();
            if (found)
                return true;
        }
        while (cursor != "0");
        return false;
    }

    /// <summary>The name as a SCAN pattern that matches only itself.</summary>
    private static string Glob(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
                escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static RespReply Expect(RespReply reply) => reply.IsError ? throw new RespServerException(reply.Text!) : reply;
}
