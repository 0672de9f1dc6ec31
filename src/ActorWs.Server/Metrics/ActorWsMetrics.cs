using System.Diagnostics.Metrics;

namespace ActorWs.Server.Metrics;

/// <summary>
/// The server's instruments, on the <see cref="System.Diagnostics.Metrics"/> API so any listener
/// (the built-in Prometheus endpoint, OpenTelemetry, dotnet-counters) can read them.
/// </summary>
/// <remarks>
/// One instance per server; its <see cref="Meter"/> is named <see cref="MeterName"/>. Recording is
/// thread-safe. Hot paths add to the counters once per batch of socket reads or writes, not per message.
/// </remarks>
public sealed class ActorWsMetrics : IDisposable
{
    /// <summary>The meter name to listen to.</summary>
    public const string MeterName = "ActorWs";

    private long _open;
    private long _rooms;
    private long _deadLetters;
    private long _sessions;
    private long _detachedSessions;
    private long _relaySent;
    private long _relayReceived;
    private long _relayedBroadcastsSent;
    private long _relayedBroadcastsReceived;
    private long _memberBatchesSent;
    private long _memberBatchesReceived;
    private long _batchedMessagesSent;
    private long _batchedMessagesReceived;

    /// <summary>Creates the instruments; <paramref name="meterFactory"/> may be null outside dependency injection.</summary>
    public ActorWsMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        ConnectionsAccepted = Meter.CreateCounter<long>("actorws.connections.accepted", "{connection}", "TCP connections accepted.");
        ConnectionsRejected = Meter.CreateCounter<long>("actorws.connections.rejected", "{connection}", "Connections refused at accept (reason: max-connections, connections-per-address, draining).");
        HandshakeFailures = Meter.CreateCounter<long>("actorws.handshake.failures", "{request}", "WebSocket handshakes answered with an error status (status).");
        HttpRequests = Meter.CreateCounter<long>("actorws.http.requests", "{request}", "Plain HTTP requests answered (status).");
        MessagesIn = Meter.CreateCounter<long>("actorws.messages.received", "{message}", "WebSocket messages received from clients.");
        MessagesOut = Meter.CreateCounter<long>("actorws.messages.sent", "{message}", "WebSocket messages queued to clients.");
        BytesIn = Meter.CreateCounter<long>("actorws.bytes.received", "By", "Bytes read from client sockets.");
        BytesOut = Meter.CreateCounter<long>("actorws.bytes.sent", "By", "Bytes written to client sockets.");
        Closes = Meter.CreateCounter<long>("actorws.connections.closed", "{connection}", "WebSocket connections closed (code: the close status, 1006 when there was none).");
        IoStalls = Meter.CreateCounter<long>("actorws.io.stalls", "{turn}", "I/O thread turns that ran longer than io-watchdog-threshold (all sockets of the thread waited).");
        MessagesDropped = Meter.CreateCounter<long>("actorws.messages.dropped", "{message}", "Outbound messages dropped by the slow-consumer policy.");
        Meter.CreateObservableGauge("actorws.connections.open", () => Volatile.Read(ref _open), "{connection}", "Connections open now (HTTP and WebSocket).");
        Meter.CreateObservableGauge("actorws.rooms.active", () => Volatile.Read(ref _rooms), "{room}", "Rooms alive now.");
        Meter.CreateObservableGauge("actorws.sessions.active", () => Volatile.Read(ref _sessions), "{session}", "Resumable sessions alive now, attached or waiting for their client.");
        Meter.CreateObservableGauge("actorws.sessions.detached", () => Volatile.Read(ref _detachedSessions), "{session}", "Resumable sessions waiting, without a connection, for their client to resume them.");
        Meter.CreateObservableGauge("actorws.actors.dead_letters", () => Volatile.Read(ref _deadLetters), "{message}", "Messages sent to actors that were gone.");
    }

    /// <summary>The meter all instruments belong to.</summary>
    public Meter Meter { get; }

    /// <summary>TCP connections accepted.</summary>
    public Counter<long> ConnectionsAccepted { get; }

    /// <summary>Connections refused at accept; tag <c>reason</c>.</summary>
    public Counter<long> ConnectionsRejected { get; }

    /// <summary>Failed WebSocket handshakes; tag <c>status</c>.</summary>
    public Counter<long> HandshakeFailures { get; }

    /// <summary>Plain HTTP requests answered; tag <c>status</c>.</summary>
    public Counter<long> HttpRequests { get; }

    /// <summary>Messages received from clients.</summary>
    public Counter<long> MessagesIn { get; }

    /// <summary>Messages queued to clients.</summary>
    public Counter<long> MessagesOut { get; }

    /// <summary>Bytes read from sockets.</summary>
    public Counter<long> BytesIn { get; }

    /// <summary>Bytes written to sockets.</summary>
    public Counter<long> BytesOut { get; }

    /// <summary>WebSocket closes; tag <c>code</c>.</summary>
    public Counter<long> Closes { get; }

    /// <summary>I/O thread turns that ran longer than the watchdog's threshold.</summary>
    public Counter<long> IoStalls { get; }

    /// <summary>Messages dropped for slow consumers.</summary>
    public Counter<long> MessagesDropped { get; }

    /// <summary>Connections open now.</summary>
    public long OpenConnections => Volatile.Read(ref _open);

    /// <summary>Rooms alive now.</summary>
    public long ActiveRooms => Volatile.Read(ref _rooms);

    /// <summary>Counts a connection as open.</summary>
    public void ConnectionOpened() => Interlocked.Increment(ref _open);

    /// <summary>Counts a connection as gone.</summary>
    public void ConnectionClosed() => Interlocked.Decrement(ref _open);

    /// <summary>Counts a room as alive.</summary>
    public void RoomStarted() => Interlocked.Increment(ref _rooms);

    /// <summary>Messages sent to actors that were gone, so far.</summary>
    public long DeadLetters => Volatile.Read(ref _deadLetters);

    /// <summary>Counts a dead letter.</summary>
    public void DeadLetterSeen() => Interlocked.Increment(ref _deadLetters);

    /// <summary>Counts a room as gone.</summary>
    public void RoomStopped() => Interlocked.Decrement(ref _rooms);

    /// <summary>
    /// Messages carrying room broadcasts that this node's rooms sent to another node's relay, so far (clustered rooms
    /// only): one per other node with members per turn of a room that broadcast.
    /// </summary>
    public long RelayMessagesSent => Volatile.Read(ref _relaySent);

    /// <summary>Messages carrying room broadcasts that this node's relay received from rooms on other nodes, so far (clustered rooms only).</summary>
    public long RelayMessagesReceived => Volatile.Read(ref _relayReceived);

    /// <summary>Room broadcasts this node's rooms sent to other nodes' relays, so far: one per other node with members per broadcast.</summary>
    public long RelayedBroadcastsSent => Volatile.Read(ref _relayedBroadcastsSent);

    /// <summary>Room broadcasts this node's relay received from rooms on other nodes, so far.</summary>
    public long RelayedBroadcastsReceived => Volatile.Read(ref _relayedBroadcastsReceived);

    /// <summary>
    /// Adds <c>actorws.cluster.relay_messages</c> and <c>actorws.cluster.relayed_broadcasts</c> (tag direction: sent,
    /// received), once, when rooms are clustered: a single node's metrics show nothing of clustering.
    /// </summary>
    internal void AddClusterRelayCounter()
    {
        if (Interlocked.Exchange(ref _relayCounterAdded, 1) == 1) return;
        Meter.CreateObservableCounter("actorws.cluster.relay_messages", () => Directions(ref _relaySent, ref _relayReceived),
            "{message}", "Messages carrying room broadcasts between nodes (direction: sent by this node's rooms to another node's relay, received by this node's relay): one per other node with members per turn of a room that broadcast, however many broadcasts the turn made.");
        Meter.CreateObservableCounter("actorws.cluster.relayed_broadcasts", () => Directions(ref _relayedBroadcastsSent, ref _relayedBroadcastsReceived),
            "{broadcast}", "Room broadcasts carried between nodes (direction: sent, received): one per other node with members per broadcast.");
        Meter.CreateObservableCounter("actorws.cluster.member_message_batches", () => Directions(ref _memberBatchesSent, ref _memberBatchesReceived),
            "{message}", "Messages carrying members' messages to a room on another node (direction: sent by this node's sessions, received by this node's rooms): one per session per turn that sent the room anything, however many messages it sent.");
        Meter.CreateObservableCounter("actorws.cluster.batched_member_messages", () => Directions(ref _batchedMessagesSent, ref _batchedMessagesReceived),
            "{message}", "Members' messages carried to a room on another node (direction: sent, received).");
    }

    /// <summary>Messages carrying members' messages that this node's sessions sent to rooms on other nodes, so far (clustered rooms only).</summary>
    public long MemberBatchesSent => Volatile.Read(ref _memberBatchesSent);

    /// <summary>Members' messages this node's sessions sent to rooms on other nodes, so far (clustered rooms only).</summary>
    public long BatchedMemberMessagesSent => Volatile.Read(ref _batchedMessagesSent);

    /// <summary>Messages carrying members' messages that this node's rooms received from sessions on other nodes, so far.</summary>
    public long MemberBatchesReceived => Volatile.Read(ref _memberBatchesReceived);

    /// <summary>Members' messages this node's rooms received from sessions on other nodes, so far.</summary>
    public long BatchedMemberMessagesReceived => Volatile.Read(ref _batchedMessagesReceived);

    /// <summary>Counts a message to a room on another node carrying <paramref name="messages"/> of a member's messages.</summary>
    internal void MemberBatchSent(int messages) => CountCarrier(ref _memberBatchesSent, ref _batchedMessagesSent, messages);

    /// <summary>Counts a message from a session on another node carrying <paramref name="messages"/> of its messages.</summary>
    internal void MemberBatchReceived(int messages) => CountCarrier(ref _memberBatchesReceived, ref _batchedMessagesReceived, messages);

    /// <summary>Counts one message between nodes in <paramref name="carriers"/> and what it carried in <paramref name="carried"/>.</summary>
    private static void CountCarrier(ref long carriers, ref long carried, int count)
    {
        Interlocked.Increment(ref carriers);
        Interlocked.Add(ref carried, count);
    }

    private static Measurement<long>[] Directions(ref long sent, ref long received) =>
    [
        new(Volatile.Read(ref sent), new KeyValuePair<string, object?>("direction", "sent")),
        new(Volatile.Read(ref received), new KeyValuePair<string, object?>("direction", "received")),
    ];

    private int _relayCounterAdded;

    /// <summary>Counts a message to another node's relay carrying <paramref name="broadcasts"/> broadcasts.</summary>
    internal void RelayMessageSent(int broadcasts) => CountCarrier(ref _relaySent, ref _relayedBroadcastsSent, broadcasts);

    /// <summary>Counts a message received by this node's relay carrying <paramref name="broadcasts"/> broadcasts.</summary>
    internal void RelayMessageReceived(int broadcasts) => CountCarrier(ref _relayReceived, ref _relayedBroadcastsReceived, broadcasts);

    /// <summary>Resumable sessions alive now (attached or detached).</summary>
    public long ActiveSessions => Volatile.Read(ref _sessions);

    /// <summary>Resumable sessions waiting for their client to come back, within their reconnection window.</summary>
    public long DetachedSessions => Volatile.Read(ref _detachedSessions);

    internal void SessionStarted() => Interlocked.Increment(ref _sessions);

    internal void SessionStopped(bool detached)
    {
        Interlocked.Decrement(ref _sessions);
        if (detached) Interlocked.Decrement(ref _detachedSessions);
    }

    internal void SessionDetached() => Interlocked.Increment(ref _detachedSessions);

    internal void SessionReattached() => Interlocked.Decrement(ref _detachedSessions);

    /// <summary>Adds an observable gauge owned by another part (e.g. the busiest mailboxes).</summary>
    public void AddGauge(string name, string unit, string description, Func<long> read) =>
        Meter.CreateObservableGauge(name, read, unit, description);

    /// <summary>Adds an observable gauge with several tagged values.</summary>
    public void AddGauge(string name, string unit, string description, Func<IEnumerable<Measurement<long>>> read) =>
        Meter.CreateObservableGauge(name, read, unit, description);

    /// <summary>Disposes the meter; instruments stop reporting.</summary>
    public void Dispose() => Meter.Dispose();
}
