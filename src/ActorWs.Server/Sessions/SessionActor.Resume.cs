using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// Resume: numbering what rooms send, keeping it (bounded) until acknowledged, surviving a dropped connection for
/// the reconnection window, and attaching the client again when it comes back.
/// </summary>
internal sealed partial class SessionActor
{
    /// <summary>The reconnection window opened as the <paramref name="Detachment"/>-th detachment is over.</summary>
    private sealed record ReconnectionWindowExpired(int Detachment);

    /// <summary>Counts detachments, so that the expiry of an earlier window (already on its way when the client came back) is ignored.</summary>
    private int _detachments;

    private static readonly byte[] SeqPrefix = "{\"seq\":"u8.ToArray();
    private static readonly byte[] MessagePrefix = ",\"op\":\"message\",\"room\":"u8.ToArray();
    private static readonly byte[] DataPrefix = ",\"data\":"u8.ToArray();

    private ResumeBuffer? _resumeBuffer;
    private long _seq;
    private WebSocketClosed? _lastStatus;
    private Dictionary<string, byte[]>? _encodedRoomNames;

    /// <summary>
    /// A room's delivery: numbered, framed for the JSON protocol (wrapped as a message for room data), kept for a
    /// resume, and sent if the client is connected.
    /// </summary>
    private void Deliver(OutboundFrame delivery)
    {
        long seq = ++_seq;
        var framed = Number(delivery, seq);
        delivery.Release();
        var options = _runtime.Options.Rooms;
        _resumeBuffer ??= new ResumeBuffer(options.ResumeBufferMessages, options.ResumeBufferBytes);
        framed.AddReferences(1);
        _resumeBuffer.Add(seq, framed);
        if (_connection is not null)
        {
            _connection.Tell(framed, Self);
        }
        else
        {
            framed.Release();
            // While detached, dropping what the client has not seen makes a complete resume impossible: end it now.
            if (_resumeBuffer.LostThrough > _seqAtDetach)
            {
                SessionLog.LogDebug("Session {Session} kept more than its resume buffer while detached; ending it", Id);
                CloseOnce(_lastStatus!, consented: false);
            }
        }
    }

    /// <summary>The delivery as this session's message number <paramref name="seq"/>.</summary>
    private OutboundFrame Number(OutboundFrame delivery, long seq)
    {
        var payload = delivery.Payload;
        var frame = OutboundFrame.Rent(payload.Length + 64);
        if (delivery.Opcode != WebSocketOpcode.Text)
        {
            // Binary: the number as 4 bytes, big-endian, then the room's bytes.
            var span = frame.GetSpan(4 + payload.Length);
            BinaryPrimitives.WriteUInt32BigEndian(span, unchecked((uint)seq));
            payload.CopyTo(span[4..]);
            frame.Advance(4 + payload.Length);
        }
        else if (delivery.PayloadKind == RoomPayload.Event && payload.Length >= 2 && payload[0] == (byte)'{')
        {
            // A whole event {…}: {"seq":N, …}
            Write(frame, SeqPrefix);
            WriteNumber(frame, seq);
            var rest = payload[1..];
            if (rest[0] != (byte)'}') Write(frame, ","u8);
            Write(frame, rest);
        }
        else
        {
            // Room data: {"seq":N,"op":"message","room":"…","data":<payload>}
            Write(frame, SeqPrefix);
            WriteNumber(frame, seq);
            Write(frame, MessagePrefix);
            Write(frame, EncodedRoomName(delivery.Room ?? ""));
            Write(frame, DataPrefix);
            Write(frame, payload);
            Write(frame, "}"u8);
        }
        frame.Seal(delivery.Opcode);
        frame.MarkRoomDelivery(delivery.Room ?? "", delivery.PayloadKind);
        return frame;
    }

    private static void Write(OutboundFrame frame, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(frame.GetSpan(bytes.Length));
        frame.Advance(bytes.Length);
    }

    private static void WriteNumber(OutboundFrame frame, long value)
    {
        var span = frame.GetSpan(20);
        value.TryFormat(span, out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        frame.Advance(written);
    }

    /// <summary>A room's name as a JSON string (quoted, escaped), computed once per room.</summary>
    private byte[] EncodedRoomName(string room)
    {
        _encodedRoomNames ??= new(StringComparer.Ordinal);
        if (!_encodedRoomNames.TryGetValue(room, out var encoded))
        {
            encoded = JsonSerializer.SerializeToUtf8Bytes(room);
            _encodedRoomNames[room] = encoded;
        }
        return encoded;
    }

    private long _seqAtDetach;

    /// <summary>The connection is gone: end the session, or (resumable, not a deliberate close) wait for the client.</summary>
    private void OnConnectionLost(WebSocketClosed status)
    {
        _connection = null;
        _lastStatus = status;
        bool deliberate = status.Code == WebSocketCloseCode.NormalClosure;
        if (deliberate || _session.IsClosed)
        {
            CloseOnce(status, consented: deliberate);
            return;
        }
        _seqAtDetach = _seq;
        StartTimer(new ReconnectionWindowExpired(++_detachments), ReconnectionWindow());
    }

    /// <summary>The longest reconnection window among the session's rooms' types (the server's when it is in none).</summary>
    private TimeSpan ReconnectionWindow()
    {
        var window = _runtime.Options.Rooms.ReconnectionWindow;
        TimeSpan? longest = null;
        foreach (var (_, _, roomType) in _session.JoinedRooms)
        {
            if (_runtime.RoomTypes.TryGet(roomType, out var type) && type.Options.ReconnectionWindow is { } own)
                longest = longest is null || own > longest ? own : longest;
        }
        return longest is null ? window : (longest > window ? longest.Value : window);
    }

    /// <summary>A client came back with this session's token on a new connection.</summary>
    private void OnReattach(SessionSetup incoming)
    {
        string? refusal = null;
        if (_session.IsClosed) refusal = "the session has ended";
        else if (!Equals(incoming.Identity, _setup.Identity)) refusal = "the token belongs to another identity";
        else if (incoming.ResumeLastSeq > _seq) refusal = "lastSeq is ahead of what this session sent";
        else if (_resumeBuffer is not null && incoming.ResumeLastSeq < _resumeBuffer.LostThrough) refusal = "the messages missed are no longer kept";
        if (refusal is not null)
        {
            Context.Parent.Tell(new ReattachRefused(incoming, refusal), Self);
            return;
        }
        if (_connection is not null)
        {
            // Still attached (the old connection has not noticed it is dead): the new one takes over.
            _connection.Tell(new CloseRequested(4001, "session resumed on another connection"), Self);
        }
        CancelTimer();
        _connection = incoming.Connection;
        _setup = _setup with { Connection = incoming.Connection, Transport = incoming.Transport, ResumeError = null };
        _session.AttachTransport(incoming.Transport);
        _connection.Tell(new SessionStarted(Self), Self);
        _session.Reattached(incoming.ResumeLastSeq);
        if (_resumeBuffer is not null)
            foreach (var missed in _resumeBuffer.After(incoming.ResumeLastSeq)) _connection.Tell(missed, Self);
    }
}
