using System.Buffers;
using System.Collections.Concurrent;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Options;
using ActorWs.Server.Transport;

namespace ActorWs.Server.Connections;

/// <summary>The outbound queue: bounded in bytes, coalesced into one pooled buffer, flushed once per turn.</summary>
/// <remarks>
/// Two kinds of data messages share the queue. Replies, made by the session while it handles a message from the client
/// (a request–reply route's answers), come only as fast as the client sends: when they take the backlog over the limit
/// the connection stops reading (TCP then slows the client) and reads again once the backlog is down to the low-water
/// mark. Everything else is pushed (room broadcasts, the server's own sends): a client that does not read what is pushed
/// to it is a slow consumer, and the slow-consumer policy applies to the pushed backlog.
/// </remarks>
internal sealed partial class ConnectionActor
{
    /// <summary>Size of the pooled write buffer (held only while bytes wait to be sent).</summary>
    private const int WriteBufferSize = 16 * 1024;

    /// <summary>
    /// A frame waiting behind the write buffer, whether it is a reply (see the remarks), and what it is charged to the
    /// memory budget (large replies only, until the frame has been copied out).
    /// </summary>
    private readonly record struct PendingFrame(OutboundFrame Frame, bool IsReply, int Charged = 0);

    /// <summary>Most emptied pending queues kept for reuse, over all connections (with the cap below, at most 4 MiB held).</summary>
    private const int MaxPooledPendingQueues = 256;

    /// <summary>Capacity (frames) above which an emptied pending queue is left to the GC rather than kept.</summary>
    private const int MaxPooledPendingCapacity = 1024;

    /// <summary>
    /// Emptied pending queues. A connection holds one only while frames wait behind its write buffer (an idle connection
    /// holds none), which a busy room's members do for part of nearly every turn: without reuse, each such turn allocated a
    /// queue and grew its array again (at one node's broadcast capacity, most of what the server allocated).
    /// </summary>
    private static readonly ConcurrentQueue<Queue<PendingFrame>> PendingQueuePool = new();
    private static int s_pooledPendingQueues;

    private byte[]? _out;
    private int _outStart;
    private int _outEnd;
    private Queue<PendingFrame>? _pending;
    private int _pendingOffset;
    private long _queuedBytes;

    /// <summary>
    /// Bytes of replies in <see cref="_pending"/> not yet copied into the write buffer. The write buffer itself (at most
    /// <see cref="WriteBufferSize"/> bytes) counts as pushed whatever it holds: tracking it would cost per-byte work.
    /// </summary>
    private long _pendingReplyBytes;

    /// <summary>Reading stopped because replies took the backlog over the limit (see the remarks).</summary>
    private bool _pausedForReplies;

    private long _queueLimit = long.MaxValue;
    private SlowConsumerPolicy _slowConsumerPolicy;
    private bool _flushNeeded;
    private bool _writeBlocked;
    private int _messagesOut;
    private long _bytesOut;

    /// <summary>Told to this actor once the backlog falls to half the limit (see <see cref="Sessions.ISessionHost.NotifyWhenOutboundDrained"/>).</summary>
    private object? _drainedNotice;

    private bool OutputDrained => _outStart == _outEnd && (_pending is null || _pending.Count == 0);

    /// <summary>The backlog at or below which reading resumes, and drained notices are told: half the limit.</summary>
    private long LowWaterMark => _queueLimit / 2;

    /// <summary>The backlog the slow-consumer policy judges: everything queued but the replies (see the remarks).</summary>
    private long PushedBacklog => _queuedBytes - _pendingReplyBytes;

    /// <summary>
    /// A frame from the session or a room. A reply (<paramref name="reply"/>, or marked by a session actor) is always
    /// queued and may pause reading; anything else is subject to the slow-consumer policy.
    /// </summary>
    private void Enqueue(OutboundFrame frame, bool reply = false)
    {
        if (frame.IsDataMessage)
        {
            if (_closeSent)
            {
                frame.Release();
                return;
            }
            reply |= frame.IsReply; // read before compressing: the compressed copy is another frame
            frame = MaybeCompress(frame);
            // One pushed message is always taken when no other waits, however large (it is the one being sent).
            long pushed = PushedBacklog;
            if (!reply && pushed > 0 && pushed + frame.Length > _queueLimit)
            {
                frame.Release();
                OnSlowConsumer();
                return;
            }
            _messagesOut++;
        }
        Append(frame, reply);
        if (reply) PauseReadingIfOverLimit();
    }

    /// <summary>
    /// Answers a ping. The pong is a reply like any other: it counts against the outbound limit and, past it, stops
    /// reading until the client has read its pongs, so pings sent by a client that reads nothing cost a bounded queue
    /// rather than one pong each.
    /// </summary>
    private void QueuePong(ReadOnlySpan<byte> payload)
    {
        Append(OutboundFrame.Create(WebSocketOpcode.Pong, payload), reply: true);
        PauseReadingIfOverLimit();
    }

    /// <summary>A reply took the backlog over the limit: read nothing more from this client until it has caught up.</summary>
    private void PauseReadingIfOverLimit()
    {
        if (_queuedBytes > _queueLimit) _pausedForReplies = true;
    }

    /// <summary>Called as the backlog shrinks: reading goes on once it is down to the low-water mark.</summary>
    private void ResumeReadingIfCaughtUp()
    {
        if (!_pausedForReplies || _queuedBytes > LowWaterMark) return;
        _pausedForReplies = false;
        // Through the mailbox: this runs inside a flush, which may itself run inside frame processing.
        _self.Tell(ResumeReading.Instance, ActorRefs.NoSender);
    }

    /// <summary>
    /// A data message from the session running in this actor, framed straight into the write buffer when it fits there
    /// behind what is already queued and needs no compression: no pooled frame, one copy. Otherwise it takes the
    /// ordinary path (<see cref="Enqueue"/>), which applies the same limits.
    /// </summary>
    private void EnqueueDirect(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        if (_closeSent || !AcceptsOutbound) return;
        bool reply = _replying;
        int length = WebSocketFrameWriter.GetHeaderLength(payload.Length) + payload.Length;
        bool compress = _compressor is not null && payload.Length >= _compressor.Threshold;
        long pushed = PushedBacklog;
        bool overLimit = !reply && pushed > 0 && pushed + length > _queueLimit;
        if (compress || overLimit || (_pending is not null && _pending.Count > 0) || length > WriteBufferSize)
        {
            Enqueue(OutboundFrame.Create(opcode, payload), reply);
            return;
        }
        _out ??= ArrayPool<byte>.Shared.Rent(WriteBufferSize);
        if (_outStart == _outEnd) _outStart = _outEnd = 0;
        if (_out.Length - _outEnd < length)
        {
            Enqueue(OutboundFrame.Create(opcode, payload), reply);
            return;
        }
        _outEnd += WebSocketFrameWriter.WriteFrame(_out.AsSpan(_outEnd), opcode, fin: true, payload);
        _queuedBytes += length;
        _flushNeeded = true;
        _messagesOut++;
        if (reply) PauseReadingIfOverLimit();
    }

    /// <summary>An HTTP response (no WebSocket framing).</summary>
    private void EnqueueRaw(ReadOnlySpan<byte> bytes) => Append(OutboundFrame.CreateRaw(bytes));

    /// <summary>
    /// Queues a frame whatever the limit (control frames and responses, and messages <see cref="Enqueue"/> took); takes
    /// ownership of one reference.
    /// </summary>
    private void Append(OutboundFrame frame, bool reply = false)
    {
        _queuedBytes += frame.Length;
        _flushNeeded = true;
        if (_pending is null || _pending.Count == 0)
        {
            _out ??= ArrayPool<byte>.Shared.Rent(WriteBufferSize);
            if (_outStart == _outEnd) _outStart = _outEnd = 0;
            if (_out.Length - _outEnd >= frame.Length)
            {
                frame.Bytes.CopyTo(_out.AsSpan(_outEnd));
                _outEnd += frame.Length;
                frame.Release();
                return;
            }
        }
        (_pending ??= RentPendingQueue()).Enqueue(new PendingFrame(frame, reply, ChargeReply(frame, reply)));
        if (reply) _pendingReplyBytes += frame.Length;
    }

    /// <summary>
    /// A large reply waiting to be sent is charged to the memory budget: a client that sends large messages and reads
    /// nothing holds its answers. Refused, the reply is still queued (it answers what arrived whole), and the connection is
    /// then closed with 1013. Pushed frames are not charged: a room's broadcast is one frame shared by all its members,
    /// and what is pushed to a client is already bounded by <c>outbound-queue-limit</c> (the slow-consumer policy).
    /// </summary>
    private int ChargeReply(OutboundFrame frame, bool reply)
    {
        if (!reply || frame.Length < ChargedMessageSize) return 0;
        if (Holder.TryCharge(frame.Length)) return frame.Length;
        // Through the mailbox: this runs while the session handles a message, inside frame processing.
        _self.Tell(MemoryBudgetEvicted.Instance, ActorRefs.NoSender);
        return 0;
    }

    /// <summary>Sends as much as the socket takes; on WouldBlock waits for the writable signal.</summary>
    private void Flush()
    {
        while (true)
        {
            if (_outStart == _outEnd)
            {
                _outStart = _outEnd = 0;
                if (!FillFromPending()) break;
            }
            var status = _transport.Send(_out.AsSpan(_outStart, _outEnd - _outStart), out int sent);
            _outStart += sent;
            _queuedBytes -= sent;
            _bytesOut += sent;
            if (status == SendStatus.WouldBlock)
            {
                _writeBlocked = true;
                SignalIfDrained();
                ResumeReadingIfCaughtUp();
                return;
            }
            if (status == SendStatus.Failed)
            {
                OnTransportFailed();
                return;
            }
        }
        _flushNeeded = false;
        if (_out is not null)
        {
            ArrayPool<byte>.Shared.Return(_out);
            _out = null;
        }
        ReturnPendingQueue();
        SignalIfDrained();
        ResumeReadingIfCaughtUp();
        OnOutputDrained();
    }

    private void SignalIfDrained()
    {
        if (_drainedNotice is null || _queuedBytes > LowWaterMark) return;
        var notice = _drainedNotice;
        _drainedNotice = null;
        _self.Tell(notice, _self);
    }

    private static Queue<PendingFrame> RentPendingQueue()
    {
        if (!PendingQueuePool.TryDequeue(out var queue)) return new Queue<PendingFrame>();
        Interlocked.Decrement(ref s_pooledPendingQueues);
        return queue;
    }

    /// <summary>Gives the (empty) pending queue back, if there is one.</summary>
    private void ReturnPendingQueue()
    {
        var queue = _pending;
        if (queue is null) return;
        _pending = null;
        if (queue.EnsureCapacity(0) > MaxPooledPendingCapacity) return;
        if (Interlocked.Increment(ref s_pooledPendingQueues) <= MaxPooledPendingQueues) PendingQueuePool.Enqueue(queue);
        else Interlocked.Decrement(ref s_pooledPendingQueues);
    }

    /// <summary>Copies queued frames into the write buffer; false when nothing was queued.</summary>
    private bool FillFromPending()
    {
        if (_pending is null || _pending.Count == 0) return false;
        _out ??= ArrayPool<byte>.Shared.Rent(WriteBufferSize);
        while (_pending.Count > 0 && _outEnd < _out.Length)
        {
            var (frame, reply, _) = _pending.Peek();
            var source = frame.Bytes[_pendingOffset..];
            int n = Math.Min(source.Length, _out.Length - _outEnd);
            source[..n].CopyTo(_out.AsSpan(_outEnd));
            _outEnd += n;
            _pendingOffset += n;
            if (reply) _pendingReplyBytes -= n;
            if (_pendingOffset == frame.Length)
            {
                var done = _pending.Dequeue();
                if (done.Charged > 0) _holder!.Refund(done.Charged);
                frame.Release();
                _pendingOffset = 0;
            }
        }
        return true;
    }

    /// <summary>
    /// Pushed messages exceed the limit: drop the one that would not fit (drop policy), or close with 1008 ahead of
    /// everything still queued. The client is not reading; queued behind the backlog, the close would reach it only
    /// after all that the close discards anyway, or not at all: once the close timeout passes, a reset is all it gets.
    /// </summary>
    private void OnSlowConsumer()
    {
        _runtime.Metrics.MessagesDropped.Add(1);
        if (_slowConsumerPolicy == SlowConsumerPolicy.Drop) return;
        ConnectionLog.SlowConsumer(Log, Id, _queuedBytes, _queueLimit);
        int discarded = DiscardUnstartedFrames();
        if (discarded > 0) _runtime.Metrics.MessagesDropped.Add(discarded);
        // A close already held for the session's answers goes now, with the status it was decided with.
        if (_phase == ConnectionPhase.AwaitingAnswers) SendHeldClose();
        else StartClose(WebSocketCloseCode.PolicyViolation, "slow consumer: outbound queue limit exceeded");
    }

    /// <summary>
    /// Drops the queued frames none of whose bytes are in the write buffer yet; the frame partly copied there stays, so
    /// that the client gets it whole and the stream stays well framed. Returns how many data messages were dropped.
    /// </summary>
    private int DiscardUnstartedFrames()
    {
        if (_pending is null || _pending.Count == 0) return 0;
        PendingFrame? started = _pendingOffset > 0 ? _pending.Dequeue() : null;
        int messages = 0;
        while (_pending.TryDequeue(out var entry))
        {
            if (entry.Charged > 0) _holder!.Refund(entry.Charged);
            _queuedBytes -= entry.Frame.Length;
            if (entry.IsReply) _pendingReplyBytes -= entry.Frame.Length;
            if (entry.Frame.IsDataMessage) messages++;
            entry.Frame.Release();
        }
        if (started is { } head) _pending.Enqueue(head);
        return messages;
    }

    /// <summary>Gives back everything queued (the connection is stopping).</summary>
    private void ReleaseOutput()
    {
        if (_pending is not null)
        {
            while (_pending.TryDequeue(out var pending))
            {
                if (pending.Charged > 0) _holder!.Refund(pending.Charged);
                pending.Frame.Release();
            }
            ReturnPendingQueue();
        }
        _pendingReplyBytes = 0;
        if (_out is not null)
        {
            ArrayPool<byte>.Shared.Return(_out);
            _out = null;
        }
        _outStart = _outEnd = 0;
        _queuedBytes = 0;
    }
}
