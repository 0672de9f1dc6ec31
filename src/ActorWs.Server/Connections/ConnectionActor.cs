using System.Buffers;
using Akka.Actor;
using Akka.Dispatch;
using ActorWs.Server.Dispatch;
using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Http;
using ActorWs.Server.Buffers;
using ActorWs.Server.Listener;
using ActorWs.Server.Messaging;
using ActorWs.Server.Routing;
using ActorWs.Server.Sessions;
using ActorWs.Server.Transport;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Connections;

/// <summary>Where a connection is in its life.</summary>
internal enum ConnectionPhase : byte
{
    /// <summary>Reading an HTTP request head (and answering plain HTTP requests, with keep-alive).</summary>
    Handshaking,
    /// <summary>The route's accept hook is deciding; reading waits.</summary>
    Authorizing,
    /// <summary>The 101 is queued; the session is being created; reading waits.</summary>
    Opening,
    /// <summary>A WebSocket: frames both ways.</summary>
    Open,
    /// <summary>
    /// Our close is decided (the peer broke the protocol, or sent its close to echo) but messages handed to the session
    /// actor are still being answered: their answers go out first, nothing more is read, and the close frame waits for
    /// them (at most the close timeout).
    /// </summary>
    AwaitingAnswers,
    /// <summary>Close frames are being exchanged.</summary>
    Closing,
    /// <summary>Our last bytes are going out; then our side of TCP is shut down.</summary>
    Finishing,
    /// <summary>We sent FIN; waiting for the peer's (or the close timeout) before releasing the socket.</summary>
    AwaitingPeerFin,
}

/// <summary>The receive handler a connection runs now; each is one method of <see cref="ConnectionActor"/>.</summary>
internal enum ConnectionBehavior : byte
{
    /// <summary><see cref="ConnectionActor.Unattached"/>: waiting for its socket.</summary>
    Unattached,
    /// <summary><see cref="ConnectionActor.Handshaking"/>: HTTP/1.1.</summary>
    Handshaking,
    /// <summary><see cref="ConnectionActor.Upgrading"/>: the accept hook and the session are being settled.</summary>
    Upgrading,
    /// <summary><see cref="ConnectionActor.Open"/>: a WebSocket.</summary>
    Open,
    /// <summary><see cref="ConnectionActor.Closing"/>: the close handshake and the TCP close.</summary>
    Closing,
}

/// <summary>
/// Owns one accepted socket from the first byte to the last: reads the HTTP request head, answers plain HTTP
/// on the same socket or upgrades to a WebSocket, then decodes frames, hands whole messages to its session,
/// writes what the session and rooms send, and runs the close handshake.
/// </summary>
/// <remarks>
/// <para>
/// Each phase has its own receive handler: <see cref="Handshaking"/>, <see cref="Upgrading"/> (authorizing and
/// opening), <see cref="Open"/> and <see cref="Closing"/> (closing, finishing and awaiting the peer's FIN). They are
/// switched with <see cref="SwitchTo"/>, a field write, rather than Akka.NET's <c>Become</c>: a second <c>Become</c>
/// (like any <c>Watch</c>) moves an actor cell to its full state, which costs about 460 bytes per actor (measured),
/// and the server holds one of these actors per idle connection.
/// </para>
/// <para>
/// On ordinary routes the session runs inside this actor (<see cref="WebSocketSession"/> with this actor as its
/// <see cref="ISessionHost"/>): an idle connection is one actor, and a request–reply message is answered in the
/// turn it arrived. On resumable routes the session is a <see cref="SessionActor"/> that outlives the connection.
/// </para>
/// <para>
/// Reads are batched: one transport signal leads to as many non-blocking reads as there are bytes, all frames in them
/// are decoded, and the read buffer goes back to the pool when it is empty, so an idle connection holds none. Both are
/// bounded per turn (<see cref="FrameBudgetPerTurn"/>, <see cref="ReadBudgetPerTurn"/>): past either budget the rest
/// stays buffered and the connection comes back to it after the other connections on its thread had their turn
/// (<see cref="DeferInput"/>). Writes are batched too: frames are copied into one pooled buffer
/// and written once per batch of messages (<see cref="TurnBatchingActor"/>), or when the socket can take more.
/// </para>
/// <para>
/// Thread-safety: an actor; its state is touched only by its own turns, except the backpressure counter and the flag
/// of a close waiting for answers (<see cref="IInboundFlow.MessageHandled"/>, called from a session's thread through
/// atomics) and
/// <see cref="ITransportOwner.OnTransportSignal"/> (called from the I/O thread; it only Tells).
/// </para>
/// </remarks>
internal sealed partial class ConnectionActor : TurnBatchingActor, ITransportOwner, IInboundFlow, IRunnable
{
    /// <summary>Size of the pooled read buffer (one per connection, only while bytes are being processed).</summary>
    private const int ReadBufferSize = 16 * 1024;

    /// <summary>Bytes read per turn before yielding to the other actors and sockets on this thread.</summary>
    private const int ReadBudgetPerTurn = 256 * 1024;

    /// <summary>
    /// Frames decoded per turn (messages, pings and pongs: each one is work for the session or a reply) before the rest of
    /// the input is set aside for a later turn, after the other actors and sockets on this thread.
    /// </summary>
    /// <remarks>
    /// Why: the byte budget alone lets a client that floods tiny frames (6 bytes each) hand its session some 40,000
    /// messages in one turn while every other socket of its I/O thread waits. 64 frames are a few tens of microseconds of
    /// echo work, about what a quiet round trip costs, so a neighbour waits at most about that per flooding connection; and
    /// enough that the cost of coming back (one task on the loop, one message, one write of the replies so far) is small
    /// next to the frames' own work. Any client whose reads hold fewer frames (one request, a pipelined handful) never
    /// meets it. A constant rather than a setting: it trades the loop's overhead against its latency, which is the
    /// server's business, not the application's; handlers heavy enough to make 64 frames long belong on their own
    /// dispatcher (an actor route), not on the I/O thread. Fragments of one message are absorbed in one step and count as
    /// one frame; the byte budget bounds them.
    /// </remarks>
    internal const int FrameBudgetPerTurn = 64;

    private static readonly WebSocketFrameReaderOptions ReaderOptions = new() { Role = WebSocketRole.Server };

    private readonly ServerRuntime _runtime;
    private IConnectionTransport _transport = null!;
    private ConnectionEntry _entry = null!;
    private long _openedAt;
    private IActorRef _self = null!;

    private ConnectionPhase _phase;
    private ConnectionBehavior _behavior;
    private byte[]? _in;
    private int _inStart;
    private int _inEnd;
    private bool _readable;
    private bool _peerFinished;

    /// <summary>
    /// A budget ran out with input left (buffered bytes, or a socket still readable): nothing more is decoded or read until
    /// <see cref="ContinueInput"/> comes back (see <see cref="DeferInput"/>).
    /// </summary>
    private bool _inputDeferred;

    private int _inflight;
    private int _readsPaused;

    private int _messagesIn;
    private long _bytesIn;

    /// <summary>
    /// Made from one <see cref="Props"/> shared by all connections (a closure per connection would cost memory for as
    /// long as it lives); the socket comes with the first message, <see cref="AttachSocket"/>.
    /// </summary>
    public ConnectionActor(ServerRuntime runtime)
    {
        _runtime = runtime;
    }

    /// <summary>The listener's first message to a new connection actor: its socket and its registry entry.</summary>
    internal sealed record AttachSocket(IConnectionTransport Transport, ConnectionEntry Entry);

    // The logger and the in-flight limits are the server's, read through _runtime rather than copied into fields:
    // every field here is paid once per idle connection (the object is 8-byte aligned, so 16 bytes less is one
    // size step down).
    private ILogger Log => _runtime.ConnectionLog;

    /// <summary>Messages handed to the session and not yet handled at which reading pauses.</summary>
    private int MaxInflight => _runtime.Options.WebSocket.MaxInflightMessages;

    /// <summary>In-flight count at or below which paused reading resumes.</summary>
    private int ResumeAt => Math.Max(0, MaxInflight / 2);

    /// <summary>The connection's number, unique on this server (in logs and session ids).</summary>
    private long Id => _entry.Id;

    protected override void PreStart() => _self = Self;

    /// <summary>Switches the receive handler (see the remarks on why this is not <c>Become</c>).</summary>
    private void SwitchTo(ConnectionBehavior behavior) => _behavior = behavior;

    protected override void OnReceive(object message)
    {
        bool handled = _behavior switch
        {
            ConnectionBehavior.Handshaking => Handshaking(message),
            ConnectionBehavior.Upgrading => Upgrading(message),
            ConnectionBehavior.Open => Open(message),
            ConnectionBehavior.Closing => Closing(message),
            _ => Unattached(message),
        };
        if (!handled && !DeliverToSession(message)) Unhandled(message);
    }

    /// <summary>Before its socket arrives the actor knows nothing else (nobody else knows it yet).</summary>
    internal bool Unattached(object message)
    {
        if (message is not AttachSocket attach) return false;
        _transport = attach.Transport;
        _entry = attach.Entry;
        _openedAt = _runtime.Time.GetTimestamp();
        _entry.Actor = _self;
        _runtime.Metrics.ConnectionOpened();
        _phaseDeadline = _openedAt + Ticks(_runtime.Options.HandshakeTimeout);
        // HTTP responses count against the same limit as a WebSocket's replies (see ConnectionActor.Outbound).
        _queueLimit = _runtime.Options.WebSocket.OutboundQueueLimit;
        ScheduleDeadline();
        SwitchTo(ConnectionBehavior.Handshaking);
        _transport.Start(this);
        return true;
    }

    protected override void PostStop()
    {
        if (_transport is null) return; // stopped before it was attached
        // Before this connection's death is told to the rooms watching its session.
        _session?.FlushRoomMessages();
        _transport.Dispose();
        _head?.Dispose();
        _reader?.Dispose();
        CloseMemoryAccount();
        DisposeCompression();
        ReturnInput();
        ReleaseOutput();
        FlushCounters();
        _runtime.Registry.Remove(_entry);
        _runtime.Metrics.ConnectionClosed();
        // Stopping before the session manager said which session took this connection: a session that took it
        // meanwhile hears it is gone like any other; if none did, none will (see SessionHandoff).
        if (_sessionActor is null && _handoff is { } handoff) _sessionActor = handoff.Abandon();
        if (_route is not null && (_sessionActor is not null || _session is not null))
        {
            var status = CloseStatus();
            _runtime.Metrics.Closes.Add(1, new KeyValuePair<string, object?>("code", status.Code));
            if (Log.IsEnabled(LogLevel.Information))
                ConnectionLog.WebSocketClosed(Log, Id, _route.Template.Text, status.Code, status.Reason, status.ByPeer, _runtime.Time.GetElapsedTime(_openedAt).TotalSeconds);
            if (_sessionActor is not null && _route.ActorProps is not null)
            {
                // The application's actor hears how it ended, then stops (after whatever it was told before).
                _sessionActor.Tell(status, _self);
                _sessionActor.Tell(PoisonPill.Instance, _self);
            }
            else
            {
                _sessionActor?.Tell(new ConnectionClosed(status), _self);
            }
            EndSession(status);
        }
    }

    void ITransportOwner.OnTransportSignal() => _self.Tell(TransportSignalled.Instance, ActorRefs.NoSender);

    void IInboundFlow.MessageHandled()
    {
        int left = Interlocked.Decrement(ref _inflight);
        // A held close waits for this (see SendCloseAfterAnswers). Told after the decrement, which is a full fence, and
        // the actor publishes the wait with one before it reads the count: one side or both see the other, so the
        // notice cannot be missed (a second one is ignored). It also comes after the answers: a session actor Tells
        // its replies while it handles the message and releases the message (calling this) only after, on the same
        // thread, and the connection's mailbox is one FIFO queue, so the replies are enqueued first.
        if (left == 0 && Volatile.Read(ref _awaitingAnswers) == 1) _self.Tell(AnswersDelivered.Instance, ActorRefs.NoSender);
        if (left <= ResumeAt && Volatile.Read(ref _readsPaused) == 1 && Interlocked.CompareExchange(ref _readsPaused, 0, 1) == 1)
            _self.Tell(ResumeReading.Instance, ActorRefs.NoSender);
    }

    /// <summary>After every batch of messages: one write for all frames queued in it, and the batch's metrics.</summary>
    protected override void OnBatchCompleted()
    {
        // The session's messages of this turn to a room on another node cross in one message.
        _session?.FlushRoomMessages();
        // Counted before the write as well as after it: a client that has its answer may ask /metrics at once, and
        // must find the message it sent already counted (the bytes the write sends are counted after it).
        FlushCounters();
        if (_flushNeeded && !_writeBlocked) Flush();
        FlushCounters();
    }

    /// <summary>Messages every phase handles the same way.</summary>
    private bool Common(object message)
    {
        switch (message)
        {
            case TransportSignalled:
                var readiness = _transport.TakeReadiness();
                if ((readiness & TransportReadiness.Writable) != 0 && _writeBlocked)
                {
                    _writeBlocked = false;
                    Flush();
                }
                if ((readiness & TransportReadiness.Readable) != 0) _readable = true;
                ReadAvailable();
                return true;
            case ContinueInput:
                _inputDeferred = false;
                ReadAvailable();
                return true;
            case DeadlineReached:
                OnDeadline();
                return true;
            case MemoryBudgetEvicted:
                OnMemoryBudgetEvicted();
                return true;
            case AbortConnection:
                _transport.Abort();
                Context.Stop(_self);
                return true;
            case OutboundFrame frame:
                // Only a WebSocket sends what sessions and rooms give it; while it opens, what comes early waits its turn.
                if (AcceptsOutbound) Enqueue(frame);
                else frame.Release();
                return true;
            case ActorRoutes.SendWebSocketMessage send:
                if (AcceptsOutbound) Enqueue(OutboundFrame.Create(Rooms.RoomActor.Opcode(send.Type), send.Payload.Span));
                return true;
            case OutboundBatch batch:
                for (int i = 0; i < batch.Count; i++)
                {
                    if (batch.IsSkippedBy(i, _self)) continue;
                    var batched = batch.FrameAt(i);
                    if (AcceptsOutbound) Enqueue(batched);
                    else batched.Release();
                }
                batch.Release();
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether frames from a session or room are taken: on an open WebSocket; while it is opening (a resumable
    /// session may say its welcome before the session manager's word that it exists arrives: different senders,
    /// so no order between them is guaranteed); and while our close waits for the session's answers.
    /// </summary>
    private bool AcceptsOutbound => _phase is ConnectionPhase.Open or ConnectionPhase.Opening or ConnectionPhase.AwaitingAnswers;

    private bool CanRead => _phase switch
    {
        ConnectionPhase.Handshaking => !_pausedForReplies,
        ConnectionPhase.Closing or ConnectionPhase.AwaitingPeerFin or ConnectionPhase.Finishing => !ReadsBoundedAfterClose || _readAfterFailedClose < ReadLimitAfterFailedClose,
        ConnectionPhase.Open => Volatile.Read(ref _readsPaused) == 0 && !_pausedForReplies,
        _ => false,
    };

    /// <summary>Processes buffered input, then reads while the socket has bytes (within the turn's budgets).</summary>
    private void ReadAvailable()
    {
        int frames = FrameBudgetPerTurn;
        ProcessInput(ref frames);
        int budget = ReadBudgetPerTurn;
        while (_readable && CanRead && _inStart == _inEnd && !_peerFinished && !_inputDeferred)
        {
            if (budget <= 0)
            {
                // More may be waiting (edge-triggered readiness will not say so again): come back to it later.
                DeferInput();
                break;
            }
            _in ??= ArrayPool<byte>.Shared.Rent(ReadBufferSize);
            _inStart = _inEnd = 0;
            var status = _transport.Receive(_in, out int received);
            switch (status)
            {
                case ReceiveStatus.Data:
                    // A short read drained the socket: the next bytes raise a new readiness edge.
                    if (received < _in.Length) _readable = false;
                    _inEnd = received;
                    _bytesIn += received;
                    budget -= received;
                    if (ReadsBoundedAfterClose) _readAfterFailedClose += received;
                    _lastReceived = _runtime.Time.GetTimestamp();
                    ProcessInput(ref frames);
                    break;
                case ReceiveStatus.WouldBlock:
                    _readable = false;
                    break;
                case ReceiveStatus.EndOfStream:
                    _peerFinished = true;
                    _readable = false;
                    OnPeerFinished();
                    break;
                default:
                    _readable = false;
                    OnTransportFailed();
                    break;
            }
        }
        if (_inStart == _inEnd) ReturnInput();
    }

    /// <summary>
    /// Sets the rest of the input aside (it stays buffered, and the socket's readiness is remembered) until a later turn.
    /// <see cref="ContinueInput"/> is told from a task queued behind the work already waiting on the transport's thread
    /// (<see cref="IConnectionTransport.Defer"/>; on an I/O thread the loop runs it in its next turn, after the sockets it
    /// polls meanwhile and the mailboxes already waiting), not told straight to this mailbox: a message to itself would be
    /// handled in the same mailbox run (up to the dispatcher's throughput) and the others would still wait. Not through
    /// <c>Context.Dispatcher.Schedule</c> either: Akka.NET wraps each task in an object of its own (32 bytes, measured).
    /// </summary>
    private void DeferInput()
    {
        if (_inputDeferred) return;
        _inputDeferred = true;
        _transport.Defer(this);
    }

    /// <summary>
    /// The deferred continuation, run on the transport's thread outside this actor's turn, so it only tells. The actor is
    /// its own task: deferring allocates nothing, and at most one is queued (<see cref="_inputDeferred"/>).
    /// </summary>
    void IRunnable.Run() => _self.Tell(ContinueInput.Instance, ActorRefs.NoSender);

    void IThreadPoolWorkItem.Execute() => _self.Tell(ContinueInput.Instance, ActorRefs.NoSender);

    /// <summary>
    /// Feeds the unprocessed input to the current phase, and to the next one when the input changed it (an upgrade);
    /// <paramref name="frames"/> is what is left of this turn's frame budget.
    /// </summary>
    private void ProcessInput(ref int frames)
    {
        while (_inStart < _inEnd)
        {
            var phase = _phase;
            switch (phase)
            {
                case ConnectionPhase.Handshaking:
                    ProcessRequestBytes();
                    break;
                case ConnectionPhase.Open:
                case ConnectionPhase.Closing:
                    ProcessFrames(ref frames);
                    break;
                case ConnectionPhase.Finishing:
                case ConnectionPhase.AwaitingPeerFin:
                    _inStart = _inEnd; // after our close: the peer's bytes no longer matter
                    return;
                default:
                    return; // authorizing or opening: the rest waits
            }
            if (_phase == phase) return;
        }
    }

    private void ReturnInput()
    {
        if (_in is null) return;
        ArrayPool<byte>.Shared.Return(_in);
        _in = null;
        _inStart = _inEnd = 0;
    }

    private void FlushCounters()
    {
        var metrics = _runtime.Metrics;
        if (_messagesIn != 0) { metrics.MessagesIn.Add(_messagesIn); _messagesIn = 0; }
        if (_bytesIn != 0) { metrics.BytesIn.Add(_bytesIn); _bytesIn = 0; }
        if (_messagesOut != 0) { metrics.MessagesOut.Add(_messagesOut); _messagesOut = 0; }
        if (_bytesOut != 0) { metrics.BytesOut.Add(_bytesOut); _bytesOut = 0; }
    }

    /// <summary>The socket failed (reset, error): nothing more can be said on it.</summary>
    private void OnTransportFailed()
    {
        if (_closeCode == 0) SetCloseStatus(WebSocketCloseCode.AbnormalClosure, "connection lost", byPeer: true);
        Context.Stop(_self);
    }

    /// <summary>The peer sent FIN.</summary>
    private void OnPeerFinished()
    {
        switch (_phase)
        {
            case ConnectionPhase.Finishing:
                // Keep flushing our last bytes; the close completes when they are out.
                break;
            case ConnectionPhase.Handshaking when !_partialRequest && !_flushNeeded:
            case ConnectionPhase.AwaitingPeerFin:
                Context.Stop(_self);
                break;
            default:
                if (_closeCode == 0) SetCloseStatus(WebSocketCloseCode.AbnormalClosure, "the peer closed the TCP connection without a close frame", byPeer: true);
                if (_outStart == _outEnd && (_pending is null || _pending.Count == 0)) Context.Stop(_self);
                else _phase = ConnectionPhase.Finishing; // a response or close frame is still going out
                break;
        }
    }
}
