using ActorWs.Server.Routing;
using Akka.Event;

namespace ActorWs.Server.Connections;

/// <summary>The transport says bytes (or room to write, or an error) may be there. Preallocated: sent per readiness edge.</summary>
internal sealed class TransportSignalled : IDeadLetterSuppression
{
    public static readonly TransportSignalled Instance = new();
}

/// <summary>The connection's deadline (handshake, ping, idle, close) has passed; it decides what that means now.</summary>
internal sealed class DeadlineReached : IDeadLetterSuppression
{
    public static readonly DeadlineReached Instance = new();
}

/// <summary>
/// The session caught up with the messages handed to it, or the client with the replies queued to it: reading may
/// continue (if nothing else still holds it).
/// </summary>
internal sealed class ResumeReading : IDeadLetterSuppression
{
    public static readonly ResumeReading Instance = new();
}

/// <summary>
/// The connection set input aside at the end of its turn's budget (<see cref="ConnectionActor"/>'s frame and byte budgets)
/// and comes back to it: told to the connection by a task it queued on its transport's thread, so that it lands after the
/// other actors and sockets waiting there have had their turn. Preallocated: told once per budget used up.
/// </summary>
internal sealed class ContinueInput : IDeadLetterSuppression
{
    public static readonly ContinueInput Instance = new();
}

/// <summary>
/// Every message handed to the session has been handled (told by <see cref="Messaging.IInboundFlow.MessageHandled"/> on the
/// session's thread, or by the connection itself): a close frame held back for their answers may go out.
/// </summary>
internal sealed class AnswersDelivered : IDeadLetterSuppression
{
    public static readonly AnswersDelivered Instance = new();
}

/// <summary>Shutdown: close with 1001 (or just drop a connection that is not a WebSocket yet).</summary>
internal sealed class ServerShuttingDown : IDeadLetterSuppression
{
    public static readonly ServerShuttingDown Instance = new();
}

/// <summary>The drain timeout is over: abort now.</summary>
internal sealed class AbortConnection : IDeadLetterSuppression
{
    public static readonly AbortConnection Instance = new();
}

/// <summary>The route's accept hook answered.</summary>
internal sealed record AcceptHookCompleted(UpgradeRequest Request, AcceptDecision Decision) : IDeadLetterSuppression;

/// <summary>The route's accept hook threw.</summary>
internal sealed record AcceptHookFailed(UpgradeRequest Request, Exception Error);
