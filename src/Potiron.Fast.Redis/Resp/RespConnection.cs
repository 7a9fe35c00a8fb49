using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Potiron.Fast.Redis.Resp;

/// <summary>
/// A plain connection to the store for streaming one command sequence at a time (the commit of a file): a socket, the
/// optional TLS layer, AUTH, and one <see cref="RespWriter"/> and <see cref="RespReader"/>. Not thread-safe: one writer
/// and, while a transaction streams, one reader thread.
/// </summary>
/// <remarks>
/// StackExchange.Redis has no streaming transaction: it builds every queued command as an object before it sends MULTI,
/// which costs hundreds of bytes per member. This connection sends the same commands from one buffer. It is dropped
/// after any failure, so a half-sent transaction is never followed by more commands on the same socket: the server
/// discards a MULTI whose EXEC never came when the connection closes.
/// </remarks>
internal sealed class RespConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;

    private RespConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        Writer = new RespWriter(stream);
        Reader = new RespReader(stream);
    }

    public RespWriter Writer { get; }

    public RespReader Reader { get; }

    public static async Task<RespConnection> ConnectAsync(RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        var target = options.GetEndPoint();
        var socket = target is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(options.ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"no connection within {options.ConnectTimeout.TotalSeconds:0.#} s");
                }
            }
            // A blocked read or write (a hung server) fails after the command timeout instead of waiting for good.
            var commandTimeout = (int)Math.Clamp(options.CommandTimeout.TotalMilliseconds, 1, int.MaxValue);
            socket.ReceiveTimeout = commandTimeout;
            socket.SendTimeout = commandTimeout;
            stream = new NetworkStream(socket, ownsSocket: false);
            if (options.UseTls)
                stream = await AuthenticateTlsAsync(stream, options, cancellationToken).ConfigureAwait(false);
            var connection = new RespConnection(socket, stream);
            connection.Authenticate(options);
            connection.Name();
            return connection;
        }
        catch
        {
            stream?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one small command and reads its reply; an error reply throws <see cref="RespServerException"/>.</summary>
    public RespReply Call(params string[] arguments)
    {
        Writer.Command(arguments.Length);
        foreach (var argument in arguments)
            Writer.Bulk(argument);
        Writer.Flush();
        var reply = Reader.Read();
        if (reply.IsError)
            throw new RespServerException(reply.Text!);
        if (reply.Kind == RespReplyKind.Array)
        {
            for (var i = 0; i < reply.Length; i++)
                Reader.Consume();
        }
        return reply;
    }

    /// <summary>The name <c>CLIENT LIST</c> shows for commit connections.</summary>
    public const string ClientName = "potiron-fast-commit";

    private void Name()
    {
        try
        {
            Call("CLIENT", "SETNAME", ClientName);
        }
        catch (RespServerException)
        {
            // A store without CLIENT SETNAME still works; the name only helps an operator.
        }
    }

    private void Authenticate(RedisConnectionOptions options)
    {
        if (options.ResolvePassword() is not { } password)
            return;
        try
        {
            if (options.User is { } user)
                Call("AUTH", user, password);
            else
                Call("AUTH", password);
        }
        catch (RespServerException e)
        {
            throw new Aggregation.SinkConfigurationException($"Redis at {options.Describe()} refused the credentials: {e.Message}");
        }
    }

    private static async Task<Stream> AuthenticateTlsAsync(Stream inner, RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions { TargetHost = options.Host ?? "" };
        if (options.TlsCaFile is { } caFile)
        {
            // Trust exactly the given CA for this connection, as the multiplexer's TrustIssuer does.
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.ImportFromPemFile(caFile);
            authentication.CertificateChainPolicy = policy;
        }
        await tls.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        return tls;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
