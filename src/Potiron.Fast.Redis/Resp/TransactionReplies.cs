using System.Runtime.ExceptionServices;

namespace Potiron.Fast.Redis.Resp;

/// <summary>
/// Reads a streamed transaction's replies on a thread of its own while the commands are still being written: MULTI's
/// <c>+OK</c>, one <c>+QUEUED</c> per command, then EXEC's reply, each consumed as it comes.
/// </summary>
internal sealed class TransactionReplies(RespReader reader, long commands)
{
    private readonly Thread _thread = new(static state => ((TransactionReplies)state!).ReadAll())
    {
        IsBackground = true,
        Name = "potiron commit replies",
    };
    private volatile bool _abandoned;
    private ExceptionDispatchInfo? _failure;
    private bool _executed;

    public void Start() => _thread.UnsafeStart(this);

    /// <summary>The writer gave up: the connection is being dropped, and the thread ends on its failed read.</summary>
    public void Abandon() => _abandoned = true;

    /// <summary>Waits for EXEC's reply: true when the transaction ran, false when a watched key had changed.</summary>
    public bool Wait()
    {
        _thread.Join();
        _failure?.Throw();
        return _executed;
    }

    private void ReadAll()
    {
        try
        {
            string? queueError = null;
            var multi = reader.Read();
            if (multi.IsError)
                queueError = "MULTI: " + multi.Text;
            for (long i = 0; i < commands; i++)
            {
                var queued = reader.Read();
                if (queued.IsError)
                    queueError ??= queued.Text;
                else if (queued.Kind != RespReplyKind.SimpleString)
                    throw new RespProtocolException($"{queued} where +QUEUED was expected");
            }
            var exec = reader.Read();
            switch (exec.Kind)
            {
                case RespReplyKind.Nil:
                    _executed = false;
                    return;
                case RespReplyKind.Error:
                    // EXECABORT: a command was refused while queued, nothing ran.
                    throw new RespServerException(queueError ?? exec.Text!);
                case RespReplyKind.Array:
                    string? applyError = null;
                    for (var i = 0; i < exec.Length; i++)
                        applyError ??= reader.Consume();
                    if (applyError is not null)
                        throw new TransactionPartlyAppliedException(applyError);
                    _executed = true;
                    return;
                default:
                    throw new RespProtocolException($"{exec} as the reply to EXEC");
            }
        }
        catch (Exception e) when (!_abandoned)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }
        catch
        {
            // Abandoned: the writer failed first and reports its own failure.
        }
    }
}

/// <summary>
/// EXEC ran but the server refused some of its commands (a key of the wrong type): Redis does not roll back, so the rest
/// was applied. Never retried.
/// </summary>
internal sealed class TransactionPartlyAppliedException(string serverError)
    : Exception("the server refused part of the transaction after applying the rest: " + serverError);
