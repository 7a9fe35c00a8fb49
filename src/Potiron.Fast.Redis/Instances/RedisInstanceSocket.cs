using System.Net.Sockets;
using System.Text;

namespace Potiron.Fast.Redis.Instances;

/// <summary>
/// One command over a plain connection to an instance's socket, answered by one status line: PING (+PONG),
/// FLUSHDB (+OK), SHUTDOWN (no reply: the server closes the connection when it goes).
/// </summary>
/// <remarks>
/// This is what <c>redis-cli -s SOCKET ping</c> does, not a client: three fixed commands, a single-line reply each.
/// A StackExchange.Redis multiplexer would run its handshake (HELLO, CLIENT SETNAME, INFO, CONFIG …) on every one of the
/// hundred PINGs of a ten-second wait, cannot tell a refused socket (down) from a slow one (loading) without its
/// connect timeout, and treats the connection that SHUTDOWN closes as a failure.
/// </remarks>
internal static class RedisInstanceSocket
{
    private const int MaximumReplyBytes = 4096;

    public static async Task<RedisInstanceStatus> ProbeAsync(RedisInstance instance, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(instance, ["PING"], timeout, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            { Connected: false } => new RedisInstanceStatus(instance, RedisInstanceState.Down),
            { Line: "+PONG" } => new RedisInstanceStatus(instance, RedisInstanceState.Running),
            _ => new RedisInstanceStatus(instance, RedisInstanceState.NotAnswering, reply.Describe()),
        };
    }

    /// <summary>
    /// Sends <paramref name="command"/> and reads the first reply line. <see cref="Reply.Connected"/> is false when
    /// nothing listens (no socket file, or refused: what a killed server leaves).
    /// </summary>
    public static async Task<Reply> SendAsync(RedisInstance instance, string[] command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(instance.SocketPath))
            return new Reply(Connected: false, Line: null, Problem: null);

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(instance.SocketPath), deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            return new Reply(Connected: false, Line: null, Problem: null);
        }
        catch (SocketException e)
        {
            return new Reply(Connected: true, Line: null, Problem: e.SocketErrorCode == SocketError.AccessDenied ? "permission denied" : e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Reply(Connected: true, Line: null, Problem: $"no connection within {timeout.TotalSeconds:0.#} s");
        }

        try
        {
            await socket.SendAsync(Encode(command), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            return new Reply(Connected: true, Line: await ReadLineAsync(socket, deadline.Token).ConfigureAwait(false), Problem: null);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
        {
            return new Reply(Connected: true, Line: null, Problem: null);
        }
        catch (SocketException e)
        {
            return new Reply(Connected: true, Line: null, Problem: e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Reply(Connected: true, Line: null, Problem: $"no reply within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>The request as a RESP array of bulk strings.</summary>
    private static byte[] Encode(string[] command)
    {
        var text = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var argument in command)
            text.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The first line of the reply without its CRLF, or null when the server closed the connection first.</summary>
    private static async Task<string?> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaximumReplyBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n"u8);
            if (end >= 0)
                return Encoding.UTF8.GetString(buffer, 0, end);
        }
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <param name="Connected">Something accepted the connection.</param>
    /// <param name="Line">The first reply line (<c>+PONG</c>, <c>-LOADING …</c>), null when none came.</param>
    /// <param name="Problem">Why the exchange failed after connecting (timeout, permission), null otherwise.</param>
    public readonly record struct Reply(bool Connected, string? Line, string? Problem)
    {
        public bool IsError => Line is { Length: > 0 } && Line[0] == '-';

        /// <summary>The server's error without its '-', or the problem, for messages.</summary>
        public string Describe() => Problem ?? (Line is null ? "the connection closed without a reply" : Line.TrimStart('-', '+'));
    }
}
