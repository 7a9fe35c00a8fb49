using System.Runtime.ExceptionServices;

namespace Potiron.Fast.Redis.Resp;

/// <summary>
/// Reads a streamed transaction's replies on a thread of its own while the commands are still being written: MULTI's
/// <c>+OK</c>, one <c>+QUEUED</c> per command, then EXEC's reply, each consumed as it comes.
/// </summary>
/// <remarks>
/// The number of commands is not known in advance (a record's APPENDs go out as its compressed bytes fill a chunk), so
/// EXEC's reply is told from the queue's by its kind: a command being queued answers <c>+QUEUED</c> or an error, EXEC
/// answers an array (it ran), a nil (a watched key changed) or <c>-EXECABORT</c> (a command was refused while queued).
/// </remarks>
internal sealed class TransactionReplies(RespReader reader)
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

    /// <summary>EXEC's refusal of a transaction in which a command failed to queue (Redis, Garnet).</summary>
    internal static bool IsExecAbort(string error) => error.StartsWith("EXECABORT", StringComparison.Ordinal);

    private void ReadAll()
    {
        try
        {
            string? queueError = null;
            var multi = reader.Read();
            if (multi.IsError)
                queueError = "MULTI: " + multi.Text;
            RespReply exec;
            while (true)
            {
                var reply = reader.Read();
                if (reply.Kind == RespReplyKind.SimpleString || (reply.IsError && !IsExecAbort(reply.Text!)))
                {
                    if (reply.IsError)
                        queueError ??= reply.Text;
                    continue;
                }
                exec = reply;
                break;
            }
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
