using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.ActorRoutes;

/// <summary>
/// Serves one connection of a route handled by an Akka.Streams flow (<see cref="ActorWsServer.MapFlowRoute"/>): the
/// client's messages go into a fresh materialization of the flow, and what the flow emits goes back to the client.
/// </summary>
/// <remarks>
/// <para>Backpressure both ways. In: a message counts toward the connection's <c>max-inflight-messages</c> until the
/// flow has taken it, so a flow that lags makes the connection stop reading (and TCP slows the client). Out: the flow's
/// next element is requested only while the connection's outbound backlog is at most half its
/// <c>outbound-queue-limit</c>, so a flow never outruns a slow client.</para>
/// <para>The flow's elements are detached copies (<see cref="WebSocketMessage"/> that are never recycled), so a flow
/// may keep them. When the flow completes its output the connection closes with 1000; when it fails, with 1011.
/// When the client goes, the flow's input completes and its output is cancelled.</para>
/// <para>Runs on the connection actor's turn (an ordinary route's session runs there); not thread-safe.</para>
/// </remarks>
internal sealed class FlowRouteHandler(Flow<WebSocketMessage, WebSocketMessage, NotUsed> flow) : WebSocketHandler
{
    private ISourceQueueWithComplete<WebSocketMessage>? _input;
    private UniqueKillSwitch? _killSwitch;
    private readonly Queue<WebSocketMessage> _waiting = new();
    private bool _offering;
    private IActorRef? _ackTo;
    private bool _closed;

    /// <summary>An offer to the flow's input completed (told to the connection actor by the offer's continuation).</summary>
    private sealed record InputTaken(WebSocketMessage Message, bool Accepted) : IDeadLetterSuppression;

    /// <summary>The sink's first message, its ack, its end and its failure.</summary>
    private sealed class OutputStarted : IDeadLetterSuppression
    {
        public static readonly OutputStarted Instance = new();
    }

    private sealed class OutputAck
    {
        public static readonly OutputAck Instance = new();
    }

    private sealed class OutputCompleted : IDeadLetterSuppression
    {
        public static readonly OutputCompleted Instance = new();
    }

    private sealed record OutputFailed(Exception Cause) : IDeadLetterSuppression;

    /// <summary>The connection's backlog fell to half its limit: the flow may emit the next element.</summary>
    private sealed class OutboundDrained : IDeadLetterSuppression
    {
        public static readonly OutboundDrained Instance = new();
    }

    public override void OnOpen(IWebSocketSession session)
    {
        var runtime = ((WebSocketSession)session).Runtime;
        var self = session.Self;
        (_input, _killSwitch) = Source.Queue<WebSocketMessage>(1, OverflowStrategy.Backpressure)
            .Via(flow)
            .ViaMaterialized(KillSwitches.Single<WebSocketMessage>(), Keep.Both)
            .To(Sink.ActorRefWithAck<WebSocketMessage>(self, OutputStarted.Instance, OutputAck.Instance, OutputCompleted.Instance, ex => new OutputFailed(ex)))
            .Run(runtime.Materializer);
    }

    public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
    {
        if (_closed) return;
        // The copy keeps the message's place in the connection's backpressure until the flow takes it.
        _waiting.Enqueue(message.Detach());
        OfferNext(session);
    }

    private void OfferNext(IWebSocketSession session)
    {
        if (_offering || _input is null || _waiting.Count == 0) return;
        _offering = true;
        var next = _waiting.Peek();
        var self = session.Self;
        _input.OfferAsync(next).ContinueWith(
            t => self.Tell(new InputTaken(next, t.IsCompletedSuccessfully && t.Result is QueueOfferResult.Enqueued), ActorRefs.NoSender),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public override bool OnActorMessage(IWebSocketSession session, object message)
    {
        var host = ((WebSocketSession)session).Host;
        switch (message)
        {
            case InputTaken taken:
                _offering = false;
                if (_waiting.Count > 0 && ReferenceEquals(_waiting.Peek(), taken.Message)) _waiting.Dequeue();
                taken.Message.Release(); // taken (or refused by a flow that is gone): it no longer waits
                if (taken.Accepted) OfferNext(session);
                return true;
            case OutputStarted:
                session.Context.Sender.Tell(OutputAck.Instance, session.Self);
                return true;
            case WebSocketMessage output:
                _ackTo = session.Context.Sender;
                if (!_closed) session.Send(output.Span, output.Type);
                if (host.OutboundBacklog <= host.OutboundQueueLimit / 2) AckOutput(session);
                else host.NotifyWhenOutboundDrained(OutboundDrained.Instance);
                return true;
            case OutboundDrained:
                AckOutput(session);
                return true;
            case OutputCompleted:
                session.Close(WebSocketCloseCode.NormalClosure, "");
                return true;
            case OutputFailed failed:
                ((WebSocketSession)session).Runtime.ConnectionLog.LogError(failed.Cause, "The flow of route {Route} failed; closing the connection with 1011", ((WebSocketSession)session).Route.Template.Text);
                session.Close(WebSocketCloseCode.InternalServerError, "the server's stream failed");
                return true;
            default:
                return false;
        }
    }

    private void AckOutput(IWebSocketSession session)
    {
        var ackTo = _ackTo;
        _ackTo = null;
        ackTo?.Tell(OutputAck.Instance, session.Self);
    }

    public override void OnClose(IWebSocketSession session, WebSocketClosed status)
    {
        _closed = true;
        _input?.Complete();
        _killSwitch?.Shutdown();
        while (_waiting.TryDequeue(out var waiting)) waiting.Release();
    }
}
