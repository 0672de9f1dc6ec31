using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Connections;

/// <summary>
/// The session of an ordinary route, run inside this actor: its handler sees this actor as the session's
/// <c>Self</c>, rooms answer here, and what it sends is queued without a message hop.
/// </summary>
internal sealed partial class ConnectionActor : ISessionHost
{
    /// <summary>The session running in this actor (ordinary routes), once open.</summary>
    private WebSocketSession? _session;

    /// <summary>The session actor (resumable routes), once the session manager made it.</summary>
    private IActorRef? _sessionActor;

    IActorRef ISessionHost.Self => _self;
    IActorContext ISessionHost.Context => Context;
    IActorRef ISessionHost.Connection => _self;
    bool ISessionHost.SequencedDeliveries => false;
    string? ISessionHost.ResumeToken => null;
    string? ISessionHost.ResumeError => null;

    /// <summary>True while the session running here handles a message from the client: what it sends meanwhile is a reply.</summary>
    private bool _replying;

    void ISessionHost.SendToClient(OutboundFrame frame)
    {
        if (AcceptsOutbound) Enqueue(frame, _replying);
        else frame.Release();
    }

    void ISessionHost.SendToClient(WebSocketOpcode opcode, ReadOnlySpan<byte> payload) => EnqueueDirect(opcode, payload);

    void ISessionHost.CloseClient(ushort code, string reason)
    {
        if (_phase == ConnectionPhase.Open) StartClose(code, reason);
    }

    long ISessionHost.OutboundBacklog => _queuedBytes;

    long ISessionHost.OutboundQueueLimit => _queueLimit;

    void ISessionHost.NotifyWhenOutboundDrained(object notice)
    {
        if (_queuedBytes <= LowWaterMark) _self.Tell(notice, _self);
        else _drainedNotice = notice;
    }

    void ISessionHost.Acknowledge(long seq)
    {
        // Only resumable sessions keep messages to acknowledge.
    }

    void ISessionHost.End()
    {
        if (_phase == ConnectionPhase.Open) StartClose(WebSocketCloseCode.NormalClosure, "session ended");
    }

    /// <summary>Opens the session of an ordinary route in this actor (a failing handler closes the connection with 1011).</summary>
    private void StartInlineSession(string path, Routing.UpgradeRequest request, object? identity, string? subprotocol)
    {
        try
        {
            _session = new WebSocketSession(_runtime, this, Id, _route!, path, request.Query, request.RouteValues, _transport, identity, subprotocol);
            _session.Open();
        }
        catch (Exception ex)
        {
            OnSessionFailed(ex);
        }
    }

    /// <summary>A whole message for the session: handled here (ordinary routes) or told to the session actor.</summary>
    private void DeliverToSession(WebSocketMessage message)
    {
        if (_sessionActor is not null)
        {
            if (_route!.ActorProps is null)
            {
                _sessionActor.Tell(message, _self); // a resumable session releases it
                return;
            }
            // The application's actor gets a copy it may keep.
            _sessionActor.Tell(new ActorRoutes.WebSocketMessageReceived(message.Type, message.ToArray()), _self);
            message.Release();
            return;
        }
        try
        {
            if (_session is { IsClosed: false } session)
            {
                _replying = true;
                session.Deliver(message);
            }
        }
        catch (Exception ex)
        {
            OnSessionFailed(ex);
        }
        finally
        {
            _replying = false;
            message.Release();
        }
    }

    /// <summary>What no phase handles may be for the session running here: room answers, or the application's messages.</summary>
    private bool DeliverToSession(object message)
    {
        if (_session is null) return false;
        try
        {
            return _session.HandleRoomMessage(message) || (!_session.IsClosed && _session.DeliverActorMessage(message));
        }
        catch (Exception ex)
        {
            OnSessionFailed(ex);
            return true;
        }
    }

    /// <summary>
    /// The handler threw: the session ends (its handler hears nothing more) and the connection closes with 1011, as
    /// when a session actor fails; other connections are not touched. Logged once, here.
    /// </summary>
    private void OnSessionFailed(Exception ex)
    {
        Log.LogError(ex, "Session handler of connection {ConnectionId} on {Route} failed; closing it with 1011", Id, _route?.Template.Text);
        _session?.MarkFailed();
        if (_phase == ConnectionPhase.Open) StartClose(WebSocketCloseCode.InternalServerError, "session ended");
    }

    /// <summary>
    /// The connection is gone (called as it stops): the session's handler hears it once; after a normal close (1000)
    /// the session leaves its rooms on purpose, otherwise its rooms see it go when this actor terminates.
    /// </summary>
    private void EndSession(WebSocketClosed status)
    {
        if (_session is null || _session.IsClosed) return;
        try
        {
            _session.Close(status);
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "Session handler of connection {ConnectionId} failed while closing", Id);
        }
        if (status.Code == WebSocketCloseCode.NormalClosure) _session.LeaveAllRooms();
    }
}
