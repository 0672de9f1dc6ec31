using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Json;
using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Protocol;
using ActorWs.Client.Requests;

namespace ActorWs.Client;

public sealed partial class ActorWsClient
{
    /// <summary>A receive buffer grown for a big message goes back to the pool afterwards, down to this size.</summary>
    private const int SteadyReceiveBufferSize = 16 * 1024;

    /// <summary>When something last arrived from the server (a <see cref="TimeProvider"/> timestamp); read by the heartbeat.</summary>
    private long _lastReceived;

    /// <summary>
    /// Reads whole messages until the connection ends, hands each to <see cref="Dispatch"/>, and reports the loss.
    /// Nothing the server sends makes it throw.
    /// </summary>
    private async Task ReceiveLoopAsync(ClientConnection connection)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(SteadyReceiveBufferSize);
        int length = 0;
        string reason = "the connection dropped";
        try
        {
            while (true)
            {
                if (length >= _options.MaxMessageSize)
                {
                    // A whole buffer of the limit and the message is not over yet.
                    reason = $"the server sent a message over {_options.MaxMessageSize} bytes";
                    await CloseTooBigAsync(connection).ConfigureAwait(false);
                    break;
                }
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxMessageSize));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int room = Math.Min(buffer.Length, _options.MaxMessageSize) - length;
                var result = await connection.Socket.ReceiveAsync(buffer.AsMemory(length, room), connection.Stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    connection.CloseCode = (int?)connection.Socket.CloseStatus;
                    reason = $"the server closed the connection ({connection.CloseCode}{(string.IsNullOrEmpty(connection.Socket.CloseStatusDescription) ? "" : " " + connection.Socket.CloseStatusDescription)})";
                    await AnswerCloseAsync(connection).ConfigureAwait(false);
                    break;
                }
                length += result.Count;
                if (!result.EndOfMessage) continue;
                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                try
                {
                    Dispatch(connection, result.MessageType, buffer.AsSpan(0, length));
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
                {
                    // Whatever the server sends, the loop goes on; the message counts as ignored.
                    Interlocked.Increment(ref _ignoredMessages);
                }
                length = 0;
                if (buffer.Length > SteadyReceiveBufferSize)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(SteadyReceiveBufferSize);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            if (connection.AbortReason is { } why) reason = why;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            OnConnectionLost(connection, reason);
        }
    }

    /// <summary>The server started the close handshake: answer it (bounded), so the server sees a clean close.</summary>
    private async Task AnswerCloseAsync(ClientConnection connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                if (connection.Socket.State == WebSocketState.CloseReceived)
                    await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task CloseTooBigAsync(ClientConnection connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                await connection.Socket.CloseOutputAsync((WebSocketCloseStatus)ProtocolConstants.MessageTooBig, "message too big", timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>One whole message from the server; bad input is counted in <see cref="IgnoredMessages"/> and otherwise ignored.</summary>
    private void Dispatch(ClientConnection connection, WebSocketMessageType type, ReadOnlySpan<byte> payload)
    {
        if (type == WebSocketMessageType.Binary)
        {
            DispatchBinary(payload);
            return;
        }
        if (!ServerMessage.TryParse(payload, out var message))
        {
            Interlocked.Increment(ref _ignoredMessages);
            return;
        }
        switch (message.Op)
        {
            case ServerOp.Reply:
                CompleteRequest(message, payload);
                break;
            case ServerOp.Error:
                FailRequest(message.Ref, message.Reason ?? "error without a reason");
                break;
            case ServerOp.Welcome:
                HandleWelcome(connection, message);
                break;
            case ServerOp.Message when message.Room is not null && message.Data is not null:
                if (Accept(message.Seq, message.PosRoom, message.PosRseq)) Publish(new RoomMessage(message.Room, message.From, message.Data.Value, message.Seq));
                break;
            case ServerOp.Presence when message.Room is not null && message.Member is not null && message.Event is "join" or "leave":
                if (Accept(message.Seq, message.PosRoom, message.PosRseq)) Publish(new PresenceChanged(message.Room, message.Member, message.Event == "join", message.Seq));
                break;
            case ServerOp.Notice when message.Room is not null && message.Event is not null:
                if (!Accept(message.Seq, message.PosRoom, message.PosRseq)) break;
                if (message.Event == "closed") ForgetRoom(message.Room);
                // A room lost with its node that took the session into its next life numbers its positions from 0 again.
                else if (message.Event == "restarted" && message.Incarnation is not null) _positions.Restarted(message.Room);
                Publish(new RoomNotice(message.Room, message.Event, message.Reason, message.Seq));
                break;
            default:
                Interlocked.Increment(ref _ignoredMessages);
                break;
        }
    }

    /// <summary>
    /// seq (4 bytes, big-endian) then the room's payload; from a cluster node, the room position (4 bytes) and the room
    /// name (1 byte of length, then UTF-8) come between them.
    /// </summary>
    private void DispatchBinary(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < ProtocolConstants.BinarySequencePrefixBytes)
        {
            Interlocked.Increment(ref _ignoredMessages);
            return;
        }
        long seq = _sequence.Unwrap(BinaryPrimitives.ReadUInt32BigEndian(payload));
        if (!_cluster)
        {
            if (Accept(seq)) Publish(new BinaryReceived(payload[ProtocolConstants.BinarySequencePrefixBytes..].ToArray(), seq));
            return;
        }
        int nameLength = payload.Length >= ProtocolConstants.ClusterBinaryFixedPrefixBytes ? payload[ProtocolConstants.ClusterBinaryFixedPrefixBytes - 1] : -1;
        if (nameLength is < 1 or > ProtocolConstants.MaxRoomNameBytes || payload.Length < ProtocolConstants.ClusterBinaryFixedPrefixBytes + nameLength
            || !System.Text.Unicode.Utf8.IsValid(payload.Slice(ProtocolConstants.ClusterBinaryFixedPrefixBytes, nameLength)))
        {
            Interlocked.Increment(ref _ignoredMessages);
            return;
        }
        string room = System.Text.Encoding.UTF8.GetString(payload.Slice(ProtocolConstants.ClusterBinaryFixedPrefixBytes, nameLength));
        long rseq = _positions.Widen(room, BinaryPrimitives.ReadUInt32BigEndian(payload[ProtocolConstants.BinarySequencePrefixBytes..]));
        if (Accept(seq, room, rseq))
            Publish(new BinaryReceived(payload[(ProtocolConstants.ClusterBinaryFixedPrefixBytes + nameLength)..].ToArray(), seq) { Room = room });
    }

    /// <summary>
    /// Whether a message is new: unnumbered ones always are; numbered ones only past the last delivered. A new one from
    /// a cluster node moves the client's position in its room.
    /// </summary>
    private bool Accept(long? seq, string? positionRoom = null, long? rseq = null)
    {
        if (seq is long number && !_sequence.TryAccept(number))
        {
            Interlocked.Increment(ref _duplicateMessages);
            return false;
        }
        if (_cluster && positionRoom is not null && rseq is long position) _positions.Advance(positionRoom, position);
        return true;
    }

    private void CompleteRequest(in ServerMessage message, ReadOnlySpan<byte> payload)
    {
        if (message.Ref is not long id || !_pending.TryRemove(id, out var pending))
        {
            // A reply nobody waits for: its request timed out, or the server echoes a ref we never sent.
            Interlocked.Increment(ref _ignoredMessages);
            return;
        }
        // Here rather than after the request's await: the room's first messages may be read before that continuation runs.
        if (_cluster && pending.Op is "join" or "joinOrCreate" or "create" or "joinById" && message.Room is { } room && message.Type is { } type)
            _positions.Joined(room, type);
        pending.Reply.TrySetResult(ServerMessage.ParseWhole(payload));
    }

    private void FailRequest(long? reference, string reason)
    {
        if (reference is long id && _pending.TryRemove(id, out var pending))
        {
            pending.Reply.TrySetException(new ActorWsRequestException(RequestFailure.Rejected, reason, pending.Op));
            return;
        }
        Publish(new ServerError(reason));
    }

    private void FailPending(ClientConnection connection, RequestFailure failure, string reason)
    {
        foreach (var (id, pending) in _pending)
        {
            if (pending.Connection == connection && _pending.TryRemove(id, out _))
                pending.Reply.TrySetException(new ActorWsRequestException(failure, reason, pending.Op));
        }
    }

    private void FailAllPending(RequestFailure failure, string reason)
    {
        foreach (var (id, pending) in _pending)
        {
            if (_pending.TryRemove(id, out _))
                pending.Reply.TrySetException(new ActorWsRequestException(failure, reason, pending.Op));
        }
    }
}
