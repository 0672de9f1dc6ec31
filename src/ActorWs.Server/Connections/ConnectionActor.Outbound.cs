using System.Buffers;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Options;
using ActorWs.Server.Transport;

namespace ActorWs.Server.Connections;

/// <summary>The outbound queue: bounded in bytes, coalesced into one pooled buffer, flushed once per turn.</summary>
internal sealed partial class ConnectionActor
{
    /// <summary>Size of the pooled write buffer (held only while bytes wait to be sent).</summary>
    private const int WriteBufferSize = 16 * 1024;

    private byte[]? _out;
    private int _outStart;
    private int _outEnd;
    private Queue<OutboundFrame>? _pending;
    private int _pendingOffset;
    private long _queuedBytes;
    private long _queueLimit = long.MaxValue;
    private SlowConsumerPolicy _slowConsumerPolicy;
    private bool _flushNeeded;
    private bool _writeBlocked;
    private int _messagesOut;
    private long _bytesOut;

    /// <summary>Told to this actor once the backlog falls to half the limit (see <see cref="Sessions.ISessionHost.NotifyWhenOutboundDrained"/>).</summary>
    private object? _drainedNotice;

    private bool OutputDrained => _outStart == _outEnd && (_pending is null || _pending.Count == 0);

    /// <summary>A frame from the session or a room, subject to the queue limit.</summary>
    private void Enqueue(OutboundFrame frame)
    {
        if (frame.IsDataMessage)
        {
            if (_closeSent)
            {
                frame.Release();
                return;
            }
            frame = MaybeCompress(frame);
            // One message is always taken when nothing waits, however large (it is the one being sent).
            if (_queuedBytes > 0 && _queuedBytes + frame.Length > _queueLimit)
            {
                frame.Release();
                OnSlowConsumer();
                return;
            }
            _messagesOut++;
        }
        Append(frame);
    }

    /// <summary>
    /// A data message from the session running in this actor, framed straight into the write buffer when it fits there
    /// behind what is already queued and needs no compression: no pooled frame, one copy. Otherwise it takes the
    /// ordinary path (<see cref="Enqueue"/>), which applies the same limits.
    /// </summary>
    private void EnqueueDirect(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        if (_closeSent || !AcceptsOutbound) return;
        int length = WebSocketFrameWriter.GetHeaderLength(payload.Length) + payload.Length;
        bool compress = _compressor is not null && payload.Length >= _compressor.Threshold;
        bool overLimit = _queuedBytes > 0 && _queuedBytes + length > _queueLimit;
        if (compress || overLimit || (_pending is not null && _pending.Count > 0) || length > WriteBufferSize)
        {
            Enqueue(OutboundFrame.Create(opcode, payload));
            return;
        }
        _out ??= ArrayPool<byte>.Shared.Rent(WriteBufferSize);
        if (_outStart == _outEnd) _outStart = _outEnd = 0;
        if (_out.Length - _outEnd < length)
        {
            Enqueue(OutboundFrame.Create(opcode, payload));
            return;
        }
        _outEnd += WebSocketFrameWriter.WriteFrame(_out.AsSpan(_outEnd), opcode, fin: true, payload);
        _queuedBytes += length;
        _flushNeeded = true;
        _messagesOut++;
    }

    /// <summary>An HTTP response (no WebSocket framing).</summary>
    private void EnqueueRaw(ReadOnlySpan<byte> bytes) => Append(OutboundFrame.CreateRaw(bytes));

    /// <summary>Queues a frame whatever the limit (control frames and responses); takes ownership of one reference.</summary>
    private void Append(OutboundFrame frame)
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
        (_pending ??= new Queue<OutboundFrame>()).Enqueue(frame);
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
        _pending = null;
        SignalIfDrained();
        OnOutputDrained();
    }

    private void SignalIfDrained()
    {
        if (_drainedNotice is null || _queuedBytes > _queueLimit / 2) return;
        var notice = _drainedNotice;
        _drainedNotice = null;
        _self.Tell(notice, _self);
    }

    /// <summary>Copies queued frames into the write buffer; false when nothing was queued.</summary>
    private bool FillFromPending()
    {
        if (_pending is null || _pending.Count == 0) return false;
        _out ??= ArrayPool<byte>.Shared.Rent(WriteBufferSize);
        while (_pending.Count > 0 && _outEnd < _out.Length)
        {
            var frame = _pending.Peek();
            var source = frame.Bytes[_pendingOffset..];
            int n = Math.Min(source.Length, _out.Length - _outEnd);
            source[..n].CopyTo(_out.AsSpan(_outEnd));
            _outEnd += n;
            _pendingOffset += n;
            if (_pendingOffset == frame.Length)
            {
                _pending.Dequeue();
                frame.Release();
                _pendingOffset = 0;
            }
        }
        return true;
    }

    private void OnSlowConsumer()
    {
        _runtime.Metrics.MessagesDropped.Add(1);
        if (_slowConsumerPolicy == SlowConsumerPolicy.Drop) return;
        ConnectionLog.SlowConsumer(_log, Id, _queuedBytes, _queueLimit);
        StartClose(WebSocketCloseCode.PolicyViolation, "slow consumer: outbound queue limit exceeded");
    }

    /// <summary>Gives back everything queued (the connection is stopping).</summary>
    private void ReleaseOutput()
    {
        if (_pending is not null)
        {
            while (_pending.TryDequeue(out var frame)) frame.Release();
            _pending = null;
        }
        if (_out is not null)
        {
            ArrayPool<byte>.Shared.Return(_out);
            _out = null;
        }
        _outStart = _outEnd = 0;
        _queuedBytes = 0;
    }
}
