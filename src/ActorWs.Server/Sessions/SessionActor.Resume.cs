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

    /// <summary>
    /// The refusal of a resume whose missed messages are gone: dropped past the buffer's own bounds, or given up to
    /// the memory budget. The same words whether the session still exists (a resume from too far back) or had to end
    /// because of it (then the session manager keeps the words for its token, see <see cref="SessionEnded"/>).
    /// </summary>
    internal const string MissedMessagesGone = "the messages missed are no longer kept";

    /// <summary>Why a resume of this session is refused now that it is ending (null: the usual refusals).</summary>
    private string? _resumeRefusal;

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
        var buffer = _resumeBuffer ??= NewResumeBuffer();
        framed.AddReferences(1);
        if (!buffer.Add(seq, framed))
            SessionLog.LogDebug("Session {Session}: the memory budget cannot hold its resume buffer; its kept messages are dropped", Id);
        if (_resumingFromAnotherNode)
        {
            framed.Release(); // kept: the client gets it after its welcome (SessionActor.FromAnotherNode)
        }
        else if (_connection is not null)
        {
            // Attached: the client gets the message whatever became of its copy for a resume.
            _connection.Tell(framed, Self);
        }
        else
        {
            framed.Release();
            // While detached, dropping what the client has not seen makes a complete resume impossible: end it now.
            if (buffer.LostThrough > _seqAtDetach)
                EndUnresumable("kept more than its resume buffer (or the memory budget) holds while detached");
        }
    }

    private ResumeBuffer NewResumeBuffer()
    {
        var options = _runtime.Options.Rooms;
        return new ResumeBuffer(options.ResumeBufferMessages, options.ResumeBufferBytes, _runtime.MemoryBudget, Self);
    }

    /// <summary>
    /// The memory budget picked this session's resume buffer, the greediest holder, to give up: its messages go (the
    /// budget counted on their refund). Detached, the session then cannot be resumed completely, so it ends; attached,
    /// its client has what it was sent and carries on (only a resume from before now is refused).
    /// </summary>
    private void OnResumeBufferEvicted()
    {
        if (_resumeBuffer is not { Evicted: true } buffer) return; // an account already given up (or the session ended)
        buffer.DropAll(_seq);
        if (_detached && !_session.IsClosed) EndUnresumable("its resume buffer was given up to the memory budget while detached");
        else SessionLog.LogDebug("Session {Session}: its resume buffer was given up to the memory budget; its kept messages are dropped", Id);
    }

    /// <summary>
    /// A detached session that lost messages its client has not seen: it ends now (its rooms see it leave), and the
    /// session manager answers its token, for one reconnection window, with <see cref="MissedMessagesGone"/>
    /// rather than as unknown: the client learns why it has to start again.
    /// </summary>
    private void EndUnresumable(string why)
    {
        if (_session.IsClosed) return; // already ending (its messages still come until it has left its rooms)
        SessionLog.LogDebug("Session {Session} {Why}; ending it", Id, why);
        _resumeRefusal = MissedMessagesGone;
        if (_setup.ResumeToken is { } token)
            Context.Parent.Tell(new SessionEnded(token, new ResumeRefusal(_setup.Identity, MissedMessagesGone, ReconnectionWindow())), Self);
        CloseOnce(_lastStatus!, consented: false);
    }

    /// <summary>
    /// The delivery as this session's message number <paramref name="seq"/>; in a cluster with the room's position of it
    /// too (<see cref="OutboundFrame.RoomPosition"/>), which the client hands back to resume on another node.
    /// </summary>
    private OutboundFrame Number(OutboundFrame delivery, long seq)
    {
        var payload = delivery.Payload;
        long position = delivery.RoomPosition;
        var frame = OutboundFrame.Rent(payload.Length + (position > 0 ? 96 + RoomNames.MaxBytes * 6 : 64));
        if (delivery.Opcode != WebSocketOpcode.Text)
        {
            // Binary: the number as 4 bytes, big-endian; in a cluster then the room's position (4 bytes) and the room's
            // name (a length byte, UTF-8); then the room's bytes.
            var span = frame.GetSpan(4);
            BinaryPrimitives.WriteUInt32BigEndian(span, unchecked((uint)seq));
            frame.Advance(4);
            if (position > 0)
            {
                span = frame.GetSpan(5 + RoomNames.MaxBytes);
                BinaryPrimitives.WriteUInt32BigEndian(span, unchecked((uint)position));
                int nameLength = Encoding.UTF8.GetBytes(delivery.Room ?? "", span[5..]);
                span[4] = (byte)nameLength;
                frame.Advance(5 + nameLength);
            }
            Write(frame, payload);
        }
        else if (delivery.PayloadKind == RoomPayload.Event && payload.Length >= 2 && payload[0] == (byte)'{')
        {
            // A whole event {…}: {"seq":N, …}
            Write(frame, SeqPrefix);
            WriteNumber(frame, seq);
            if (position > 0) WritePosition(frame, delivery.Room ?? "", position);
            var rest = payload[1..];
            if (rest[0] != (byte)'}') Write(frame, ","u8);
            Write(frame, rest);
        }
        else
        {
            // Room data: {"seq":N,"op":"message","room":"…","data":<payload>}
            Write(frame, SeqPrefix);
            WriteNumber(frame, seq);
            if (position > 0) WritePosition(frame, delivery.Room ?? "", position);
            Write(frame, MessagePrefix);
            Write(frame, EncodedRoomName(delivery.Room ?? ""));
            Write(frame, DataPrefix);
            Write(frame, payload);
            Write(frame, "}"u8);
        }
        frame.Seal(delivery.Opcode);
        frame.MarkRoomDelivery(delivery.Room ?? "", delivery.PayloadKind, position);
        return frame;
    }

    private static readonly byte[] PositionPrefix = ",\"pos\":{\"room\":"u8.ToArray();
    private static readonly byte[] PositionNumberPrefix = ",\"rseq\":"u8.ToArray();

    /// <summary>In a cluster: <c>,"pos":{"room":"…","rseq":P}</c>, the room and its position of this delivery.</summary>
    private void WritePosition(OutboundFrame frame, string room, long position)
    {
        Write(frame, PositionPrefix);
        Write(frame, EncodedRoomName(room));
        Write(frame, PositionNumberPrefix);
        WriteNumber(frame, position);
        Write(frame, "}"u8);
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
        if (!Used)
        {
            // Nothing to come back to: the client never spoke and the session is in no room. Keeping it for the window
            // would let every abandoned connection (a refused resume attempt included) hold a session that long.
            SessionLog.LogDebug("Session {Session} lost its connection before the client used it; ending it now", Id);
            CloseOnce(status, consented: false);
            return;
        }
        _seqAtDetach = _seq;
        WaitForClient();
    }

    /// <summary>Detached: the session waits for its client (what it has seen is numbered up to <see cref="_seqAtDetach"/>) for the reconnection window.</summary>
    private void WaitForClient()
    {
        _detached = true;
        _runtime.Metrics.SessionDetached();
        StartTimer(new ReconnectionWindowExpired(++_detachments), ReconnectionWindow());
    }

    /// <summary>Whether the client has sent this session anything (on any of its connections).</summary>
    private bool _clientSpoke;

    /// <summary>Whether the session is waiting, without a connection, for its client to come back.</summary>
    private bool _detached;

    /// <summary>Logged once per session: a wrong identity presenting its token (someone holds a token that is not theirs).</summary>
    private bool _identityMismatchLogged;

    /// <summary>
    /// Whether the session holds anything a resume would bring back: the client has sent it a message (both clients
    /// send a ping as soon as they are welcomed) or it is in a room (a handler may join rooms on its own in OnOpen).
    /// </summary>
    private bool Used => _clientSpoke || _session.JoinedRooms.Any();

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
    private void OnReattach(SessionSetup incoming, SessionHandoff handoff)
    {
        string? refusal = null;
        // A token already spent (a replay that reached the manager before it heard of the rotation) is as unknown as any.
        if (!string.Equals(incoming.ResumeRequestedToken, _setup.ResumeToken, StringComparison.Ordinal)) refusal = SessionManager.UnknownToken;
        else if (!Equals(incoming.Identity, _setup.Identity))
        {
            refusal = SessionManager.UnknownToken; // the same words as for a token that names nothing: no hint that it is live
            LogIdentityMismatch(incoming);
        }
        else if (_session.IsClosed) refusal = _resumeRefusal ?? "the session has ended";
        else if (incoming.ResumeLastSeq > _seq) refusal = "lastSeq is ahead of what this session sent";
        else if (_resumeBuffer is not null && incoming.ResumeLastSeq < _resumeBuffer.LostThrough) refusal = MissedMessagesGone;
        if (refusal is not null)
        {
            Context.Parent.Tell(new ReattachRefused(incoming, refusal, handoff), Self);
            return;
        }
        // The new connection already stopped: the session stays as it is (its token too, so the client can try again).
        if (!handoff.TryTake(Self)) return;
        if (_connection is not null)
        {
            // Still attached (the old connection has not noticed it is dead): the new one takes over.
            _connection.Tell(new CloseRequested(4001, "session resumed on another connection"), Self);
        }
        CancelTimer();
        if (_detached)
        {
            _detached = false;
            _runtime.Metrics.SessionReattached();
        }
        // The token is spent: the welcome below carries its successor, which the manager (and in a cluster the rooms) learn first.
        string token = RotateToken();
        _connection = incoming.Connection;
        _setup = _setup with { Connection = incoming.Connection, Transport = incoming.Transport, ResumeError = null, ResumeToken = token };
        _session.AttachTransport(incoming.Transport);
        _connection.Tell(new SessionStarted(Self), Self);
        _session.Reattached(incoming.ResumeLastSeq);
        if (_resumeBuffer is not null)
            foreach (var missed in _resumeBuffer.After(incoming.ResumeLastSeq)) _connection.Tell(missed, Self);
    }

    /// <summary>Once per session, at warning level, without the token: where it came from and whose it is not.</summary>
    private void LogIdentityMismatch(SessionSetup incoming)
    {
        if (_identityMismatchLogged)
        {
            SessionLog.LogDebug("Resume of session {Session} from {Remote} refused again: another identity", Id, incoming.Transport.RemoteEndPoint);
            return;
        }
        _identityMismatchLogged = true;
        SessionLog.LogWarning(
            "Resume of session {Session} from {Remote} refused: the connection's identity is not the session's (its token is in other hands; the session stays its owner's). Further refusals for this session are logged at debug level",
            Id, incoming.Transport.RemoteEndPoint);
    }
}
