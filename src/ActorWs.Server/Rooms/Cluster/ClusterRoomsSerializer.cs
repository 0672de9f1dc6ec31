using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>
/// The wire format of every message that crosses nodes with clustered rooms: joins and their answers, listings, the
/// directory's and the room entities' messages, the relays' messages, members' messages to a room on another node,
/// and the public <see cref="RoomBroadcast"/>, <see cref="GetRoom"/> and <see cref="RoomLookup"/>. Bound to those types
/// in ActorWs's Akka settings (<c>akka.actor.serialization-bindings</c>), so none of them falls back to a
/// reflection-based serializer.
/// </summary>
/// <remarks>
/// <para>A compact binary layout per type (named by a short string manifest): strings UTF-8 with a length, actor refs
/// as their serialized paths, frames and payloads as raw bytes (a relayed broadcast carries the frame exactly as the
/// room encoded it). What the application puts in a message (a session's identity, a request's tag, a message told
/// to a room by name, a notice) is a string or a whole number where the built-in protocols use one, and otherwise
/// goes through whatever serializer the actor system binds for its type.</para>
/// <para>A member's message (<see cref="WebSocketMessage"/>) arrives as a pooled message, released by the room as a
/// local one is.</para>
/// </remarks>
public sealed class ClusterRoomsSerializer : SerializerWithStringManifest
{
    /// <summary>This serializer's id in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int Id = 4219;

    /// <summary>Creates the serializer (Akka.NET does, from the system's settings).</summary>
    public ClusterRoomsSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <summary>The manifest of a <see cref="RoomSnapshot"/> (kept in Distributed Data as this serializer's bytes).</summary>
    public const string SnapshotManifest = "SN";

    /// <summary>The manifest of a <see cref="DirectorySnapshot"/> (kept in Distributed Data as this serializer's bytes).</summary>
    internal const string DirectorySnapshotManifest = "DSN";

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        JoinRoomRequest => "J",
        ListRoomsRequest => "L",
        RoomList => "LS",
        RoomListing => "RL",
        LeaveRoomRequest => "LV",
        RoomJoinAccepted => "JA",
        RoomJoinRefused => "JR",
        RoomLeaveConfirmed => "LC",
        RoomMessageRefused => "MR",
        RoomMessageTaken => "MT",
        RoomRestartNotice => "RN",
        RoomStopped => "RS",
        RoomBroadcast => "B",
        GetRoom => "G",
        RoomLookup => "GL",
        WebSocketMessage => "M",
        MemberMessages => "MM",
        CloseRequested => "CR",
        RoomManager.TellRoom => "T",
        RoomManager.CreateRoom => "C",
        RoomManager.CountRooms => "N",
        SeatReserved => "SR",
        MatchmadeRoomOpened => "MO",
        RoomStopApproved => "SA",
        RoomListingWanted => "LW",
        RoomListed => "DL",
        RoomSeatSettled => "DS",
        RoomSeatRefused => "DR",
        RoomWentIdle => "DI",
        RoomFailedForGood => "DF",
        RoomsCounted => "NC",
        RoomMessageForwarded => "TF",
        MatchmadeRoomCreated => "CC",
        RelayMemberJoined => "XJ",
        RelayMemberLeft => "XL",
        RelayedBroadcasts => "XB",
        RelayedFrame => "XF",
        RelayedNotice => "XN",
        ResumeMembership => "RM",
        MembershipResumed => "RMA",
        MembershipNotResumed => "RMN",
        MemberTokenChanged => "TK",
        RoomSnapshot => SnapshotManifest,
        DirectorySnapshot => DirectorySnapshotManifest,
        WakeDirectory => "DW",
        RelayRoomHandedOff => "XH",
        RoomMoved => "MV",
        RoomMoving => "MG",
        MembershipMovedAway => "MA",
        _ => throw new ArgumentException($"{o.GetType()} is not a clustered-rooms message", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            Write(w, obj);
        }
        return stream.ToArray();
    }

    private void Write(BinaryWriter w, object obj)
    {
        switch (obj)
        {
            case JoinRoomRequest j:
                WriteJoin(w, j);
                break;
            case ListRoomsRequest l:
                WriteNullable(w, l.RoomType);
                WriteNullable(w, l.FilterJson);
                w.Write(l.Limit);
                WriteNullable(w, l.AfterKey);
                WriteObject(w, l.Tag);
                break;
            case RoomList l:
                w.Write(l.Rooms.Count);
                foreach (var room in l.Rooms) WriteListing(w, room);
                WriteNullable(w, l.Next);
                WriteObject(w, l.Tag);
                break;
            case RoomListing l:
                WriteListing(w, l);
                break;
            case LeaveRoomRequest l:
                w.Write(l.Room);
                WriteObject(w, l.Tag);
                break;
            case RoomJoinAccepted a:
                w.Write(a.Room);
                w.Write(a.RoomType);
                WriteRef(w, a.RoomRef);
                w.Write(a.Members.Count);
                foreach (var member in a.Members) w.Write(member);
                WriteObject(w, a.Tag);
                w.Write(a.Incarnation);
                break;
            case RoomJoinRefused r:
                w.Write(r.Room);
                w.Write(r.Reason);
                WriteObject(w, r.Tag);
                break;
            case RoomLeaveConfirmed c:
                w.Write(c.Room);
                WriteObject(w, c.Tag);
                break;
            case RoomMessageRefused r:
                w.Write(r.Room);
                w.Write(r.Reason);
                WriteObject(w, r.Tag);
                break;
            case RoomMessageTaken t:
                w.Write(t.Room);
                WriteObject(w, t.Tag);
                break;
            case RoomRestartNotice n:
                w.Write(n.Room);
                w.Write(n.Reason);
                break;
            case RoomStopped s:
                w.Write(s.Room);
                WriteRef(w, s.RoomRef);
                w.Write(s.Reason);
                break;
            case RoomBroadcast b:
                w.Write((byte)b.Type);
                WriteBytes(w, b.Payload.Span);
                break;
            case GetRoom g:
                w.Write(g.Type);
                w.Write(g.Name);
                w.Write(g.CreateIfMissing);
                break;
            case RoomLookup l:
                w.Write(l.Type);
                w.Write(l.Name);
                WriteNullableRef(w, l.Room);
                WriteNullable(w, l.Error);
                break;
            case WebSocketMessage m:
                WriteMessage(w, m);
                break;
            case MemberMessages batch:
                w.Write(batch.Messages.Length);
                foreach (var m in batch.Messages) WriteMessage(w, m);
                break;
            case CloseRequested c:
                w.Write(c.Code);
                w.Write(c.Reason);
                break;
            case RoomManager.TellRoom t:
                w.Write(t.Type);
                w.Write(t.Name);
                WriteObject(w, t.Message);
                break;
            case RoomManager.CreateRoom c:
                w.Write(c.Type);
                w.Write(c.OptionsJson);
                break;
            case RoomManager.CountRooms:
            case RoomStopApproved:
            case RoomListingWanted:
                break;
            case SeatReserved s:
                w.Write(s.ReservationId);
                w.Write(s.ValidFor.Ticks);
                WriteJoin(w, s.Request);
                break;
            case MatchmadeRoomOpened o:
                w.Write(o.OptionsJson);
                break;
            case RoomListed l:
                WriteListing(w, l.Listing);
                WriteRef(w, l.Room);
                break;
            case RoomSeatSettled s:
                w.Write(s.Room);
                w.Write(s.ReservationId);
                break;
            case RoomSeatRefused r:
                w.Write(r.Room);
                w.Write(r.ReservationId);
                WriteJoin(w, r.Request);
                WriteRef(w, r.Session);
                break;
            case RoomWentIdle i:
                w.Write(i.Room);
                w.Write(i.JoinsProcessed);
                break;
            case RoomFailedForGood f:
                w.Write(f.Room);
                WriteRef(w, f.RoomRef);
                break;
            case RoomsCounted c:
                w.Write(c.Count);
                break;
            case RoomMessageForwarded f:
                w.Write(f.Delivered);
                break;
            case MatchmadeRoomCreated c:
                w.Write(c.Id);
                break;
            case RelayMemberJoined j:
                WriteRef(w, j.Room);
                w.Write(j.RoomName);
                WriteRef(w, j.Session);
                WriteRef(w, j.Connection);
                w.Write(j.Sequenced);
                break;
            case RelayMemberLeft l:
                WriteRef(w, l.Room);
                WriteRef(w, l.Session);
                break;
            case RelayedBroadcasts b:
                WriteRef(w, b.Room);
                w.Write(b.RoomName);
                w.Write(b.Broadcasts.Length);
                foreach (var one in b.Broadcasts)
                {
                    w.Write(one.Position);
                    w.Write((byte)one.Kind);
                    WriteBytes(w, one.Frame);
                    WriteNullableRef(w, one.Except);
                }
                break;
            case RelayedFrame f:
                WriteRef(w, f.Room);
                w.Write(f.RoomName);
                WriteRef(w, f.Session);
                w.Write((byte)f.Kind);
                WriteBytes(w, f.Frame);
                w.Write(f.Position);
                break;
            case RelayedNotice n:
                WriteRef(w, n.Room);
                WriteRef(w, n.Session);
                WriteObject(w, n.Notice);
                break;
            case ResumeMembership m:
                w.Write(m.Token);
                w.Write(m.FromPosition);
                WriteJoin(w, m.Request);
                break;
            case MembershipResumed m:
                w.Write(m.Room);
                w.Write(m.RoomType);
                WriteRef(w, m.RoomRef);
                break;
            case MembershipNotResumed m:
                w.Write(m.Room);
                w.Write(m.Reason);
                break;
            case MemberTokenChanged t:
                WriteNullable(w, t.Token);
                break;
            case RoomSnapshot snapshot:
                w.Write(snapshot.OptionsJson);
                w.Write(snapshot.Incarnation);
                w.Write(snapshot.Positions);
                w.Write(snapshot.JoinsProcessed);
                w.Write(snapshot.Members.Count);
                foreach (var m in snapshot.Members)
                {
                    w.Write(m.Id);
                    WriteObject(w, m.Identity);
                    WriteRef(w, m.Session);
                    WriteRef(w, m.Connection);
                    w.Write(m.Sequenced);
                    WriteRef(w, m.Relay);
                    WriteNullable(w, m.ResumeToken);
                    w.Write(m.JoinedAt);
                }
                WriteNullable(w, snapshot.LogicState);
                w.Write(snapshot.SavedAt);
                break;
            case DirectorySnapshot d:
                w.Write(d.NextId);
                w.Write(d.NextReservation);
                w.Write(d.Rooms.Count);
                foreach (var room in d.Rooms)
                {
                    w.Write(room.Id);
                    w.Write(room.Matchmade);
                    WriteListing(w, room.Listing);
                    WriteNullableRef(w, room.Room);
                    w.Write(room.JoinsForwarded);
                    w.Write(room.Reservations.Count);
                    foreach (var reservation in room.Reservations)
                    {
                        w.Write(reservation.Id);
                        w.Write(reservation.ExpiresAt);
                    }
                }
                w.Write(d.SavedAt);
                break;
            case WakeDirectory:
                break;
            case RelayRoomHandedOff h:
                WriteRef(w, h.Room);
                break;
            case RoomMoved m:
                w.Write(m.Room);
                w.Write(m.RoomType);
                WriteRef(w, m.RoomRef);
                break;
            case RoomMoving m:
                w.Write(m.Room);
                WriteRef(w, m.RoomRef);
                break;
            case MembershipMovedAway m:
                w.Write(m.Room);
                WriteRef(w, m.RoomRef);
                break;
            default:
                throw new ArgumentException($"{obj.GetType()} is not a clustered-rooms message", nameof(obj));
        }
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return manifest switch
        {
            "J" => ReadJoin(r),
            "L" => new ListRoomsRequest(ReadNullable(r), ReadNullable(r), r.ReadInt32(), ReadNullable(r), ReadObject(r)),
            "LS" => ReadList(r),
            "RL" => ReadListing(r),
            "LV" => new LeaveRoomRequest(r.ReadString(), ReadObject(r)),
            "JA" => ReadAccepted(r),
            "JR" => new RoomJoinRefused(r.ReadString(), r.ReadString(), ReadObject(r)),
            "LC" => new RoomLeaveConfirmed(r.ReadString(), ReadObject(r)),
            "MR" => new RoomMessageRefused(r.ReadString(), r.ReadString(), ReadObject(r)),
            "MT" => new RoomMessageTaken(r.ReadString(), ReadObject(r)!),
            "RN" => new RoomRestartNotice(r.ReadString(), r.ReadString()),
            "RS" => new RoomStopped(r.ReadString(), ReadRef(r), r.ReadString()),
            "B" => ReadBroadcast(r),
            "G" => new GetRoom(r.ReadString(), r.ReadString(), r.ReadBoolean()),
            "GL" => new RoomLookup(r.ReadString(), r.ReadString(), ReadNullableRef(r), ReadNullable(r)),
            "M" => ReadMessage(r),
            "MM" => ReadMemberMessages(r),
            "CR" => new CloseRequested(r.ReadUInt16(), r.ReadString()),
            "T" => new RoomManager.TellRoom(r.ReadString(), r.ReadString(), ReadObject(r)!),
            "C" => new RoomManager.CreateRoom(r.ReadString(), r.ReadString()),
            "N" => RoomManager.CountRooms.Instance,
            "SR" => new SeatReserved(r.ReadInt64(), TimeSpan.FromTicks(r.ReadInt64()), ReadJoin(r)),
            "MO" => new MatchmadeRoomOpened(r.ReadString()),
            "SA" => RoomStopApproved.Instance,
            "LW" => RoomListingWanted.Instance,
            "DL" => new RoomListed(ReadListing(r), ReadRef(r)),
            "DS" => new RoomSeatSettled(r.ReadString(), r.ReadInt64()),
            "DR" => new RoomSeatRefused(r.ReadString(), r.ReadInt64(), ReadJoin(r), ReadRef(r)),
            "DI" => new RoomWentIdle(r.ReadString(), r.ReadInt64()),
            "DF" => new RoomFailedForGood(r.ReadString(), ReadRef(r)),
            "NC" => new RoomsCounted(r.ReadInt32()),
            "TF" => new RoomMessageForwarded(r.ReadBoolean()),
            "CC" => new MatchmadeRoomCreated(r.ReadString()),
            "XJ" => new RelayMemberJoined(ReadRef(r), r.ReadString(), ReadRef(r), ReadRef(r), r.ReadBoolean()),
            "XL" => new RelayMemberLeft(ReadRef(r), ReadRef(r)),
            "XB" => new RelayedBroadcasts(ReadRef(r), r.ReadString(), ReadBroadcasts(r)),
            "XF" => new RelayedFrame(ReadRef(r), r.ReadString(), ReadRef(r), (RoomPayload)r.ReadByte(), ReadBytes(r), r.ReadInt64()),
            "XN" => new RelayedNotice(ReadRef(r), ReadRef(r), ReadObject(r)!),
            "RM" => new ResumeMembership(r.ReadString(), r.ReadInt64(), ReadJoin(r)),
            "RMA" => new MembershipResumed(r.ReadString(), r.ReadString(), ReadRef(r)),
            "RMN" => new MembershipNotResumed(r.ReadString(), r.ReadString()),
            "TK" => new MemberTokenChanged(ReadNullable(r)),
            SnapshotManifest => ReadSnapshot(r),
            DirectorySnapshotManifest => ReadDirectorySnapshot(r),
            "DW" => WakeDirectory.Instance,
            "XH" => new RelayRoomHandedOff(ReadRef(r)),
            "MV" => new RoomMoved(r.ReadString(), r.ReadString(), ReadRef(r)),
            "MG" => new RoomMoving(r.ReadString(), ReadRef(r)),
            "MA" => new MembershipMovedAway(r.ReadString(), ReadRef(r)),
            _ => throw new SerializationException($"unknown clustered-rooms manifest \"{manifest}\""),
        };
    }

    private RelayedBroadcast[] ReadBroadcasts(BinaryReader r)
    {
        var broadcasts = new RelayedBroadcast[r.ReadInt32()];
        for (int i = 0; i < broadcasts.Length; i++)
        {
            broadcasts[i] = new RelayedBroadcast(r.ReadInt64(), (RoomPayload)r.ReadByte(), ReadBytes(r), ReadNullableRef(r));
        }
        return broadcasts;
    }

    private void WriteJoin(BinaryWriter w, JoinRoomRequest j)
    {
        w.Write((byte)j.Kind);
        w.Write(j.RoomType);
        WriteNullable(w, j.Room);
        w.Write(j.OptionsJson);
        w.Write(j.MemberId);
        WriteObject(w, j.Identity);
        WriteRef(w, j.Connection);
        w.Write(j.Sequenced);
        WriteObject(w, j.Tag);
        WriteNullableRef(w, j.Relay);
        WriteNullable(w, j.ResumeToken);
    }

    private JoinRoomRequest ReadJoin(BinaryReader r) => new(
        (MatchmakeKind)r.ReadByte(), r.ReadString(), ReadNullable(r), r.ReadString(), r.ReadString(), ReadObject(r),
        ReadRef(r), r.ReadBoolean(), ReadObject(r), ReadNullableRef(r), ReadNullable(r));

    private RoomSnapshot ReadSnapshot(BinaryReader r)
    {
        string options = r.ReadString();
        long incarnation = r.ReadInt64();
        long positions = r.ReadInt64();
        long joins = r.ReadInt64();
        var members = new RoomSnapshotMember[r.ReadInt32()];
        for (int i = 0; i < members.Length; i++)
            members[i] = new RoomSnapshotMember(r.ReadString(), ReadObject(r), ReadRef(r), ReadRef(r), r.ReadBoolean(), ReadRef(r), ReadNullable(r), r.ReadInt64());
        return new RoomSnapshot(options, incarnation, positions, joins, members, ReadNullable(r), r.ReadInt64());
    }

    private DirectorySnapshot ReadDirectorySnapshot(BinaryReader r)
    {
        long nextId = r.ReadInt64();
        long nextReservation = r.ReadInt64();
        var rooms = new DirectorySnapshotRoom[r.ReadInt32()];
        for (int i = 0; i < rooms.Length; i++)
        {
            string id = r.ReadString();
            bool matchmade = r.ReadBoolean();
            var listing = ReadListing(r);
            var room = ReadNullableRef(r);
            long joins = r.ReadInt64();
            var reservations = new DirectorySnapshotReservation[r.ReadInt32()];
            for (int j = 0; j < reservations.Length; j++) reservations[j] = new DirectorySnapshotReservation(r.ReadInt64(), r.ReadInt64());
            rooms[i] = new DirectorySnapshotRoom(id, matchmade, listing, room, joins, reservations);
        }
        return new DirectorySnapshot(nextId, nextReservation, rooms, r.ReadInt64());
    }

    private static void WriteListing(BinaryWriter w, RoomListing l)
    {
        w.Write(l.Room);
        w.Write(l.Type);
        w.Write(l.Clients);
        w.Write(l.MaxClients);
        w.Write(l.Locked);
        w.Write(l.MetadataJson);
    }

    private static RoomListing ReadListing(BinaryReader r) =>
        new(r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadBoolean(), r.ReadString());

    private RoomList ReadList(BinaryReader r)
    {
        var rooms = new RoomListing[r.ReadInt32()];
        for (int i = 0; i < rooms.Length; i++) rooms[i] = ReadListing(r);
        return new RoomList(rooms, ReadNullable(r), ReadObject(r));
    }

    private RoomJoinAccepted ReadAccepted(BinaryReader r)
    {
        string room = r.ReadString();
        string type = r.ReadString();
        var roomRef = ReadRef(r);
        var members = new string[r.ReadInt32()];
        for (int i = 0; i < members.Length; i++) members[i] = r.ReadString();
        return new RoomJoinAccepted(room, type, roomRef, members, ReadObject(r), r.ReadInt64());
    }

    private static RoomBroadcast ReadBroadcast(BinaryReader r)
    {
        var type = (WebSocketMessageType)r.ReadByte();
        return new RoomBroadcast(ReadBytes(r), type);
    }

    private void WriteMessage(BinaryWriter w, WebSocketMessage m)
    {
        w.Write((byte)m.Type);
        WriteBytes(w, m.Span);
        WriteObject(w, m.RoomTag);
    }

    private MemberMessages ReadMemberMessages(BinaryReader r)
    {
        int count = r.ReadInt32();
        if (count is < 1 or > Sessions.WebSocketSession.MaxMessagesPerBatch) throw new SerializationException($"a batch of {count} member messages");
        var messages = new WebSocketMessage[count];
        for (int i = 0; i < count; i++) messages[i] = ReadMessage(r);
        return new MemberMessages(messages);
    }

    private WebSocketMessage ReadMessage(BinaryReader r)
    {
        var type = (WebSocketMessageType)r.ReadByte();
        var message = WebSocketMessage.Rent(ReadBytes(r), type, flow: null);
        message.RoomTag = ReadObject(r);
        return message;
    }

    private static void WriteNullable(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteBytes(BinaryWriter w, ReadOnlySpan<byte> bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader r)
    {
        int length = r.ReadInt32();
        var bytes = r.ReadBytes(length);
        if (bytes.Length != length) throw new SerializationException("truncated clustered-rooms message");
        return bytes;
    }

    private static void WriteRef(BinaryWriter w, IActorRef actor) => w.Write(Serialization.SerializedActorPath(actor));

    private IActorRef ReadRef(BinaryReader r) => system.Provider.ResolveActorRef(r.ReadString());

    private static void WriteNullableRef(BinaryWriter w, IActorRef? actor)
    {
        w.Write(actor is not null);
        if (actor is not null) WriteRef(w, actor);
    }

    private IActorRef? ReadNullableRef(BinaryReader r) => r.ReadBoolean() ? ReadRef(r) : null;

    private const byte NullObject = 0;
    private const byte StringObject = 1;
    private const byte LongObject = 2;
    private const byte IntObject = 3;
    private const byte SerializedObject = 4;

    /// <summary>An application's object: strings and whole numbers inline, anything else by the serializer the system binds for it.</summary>
    private void WriteObject(BinaryWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.Write(NullObject);
                break;
            case string s:
                w.Write(StringObject);
                w.Write(s);
                break;
            case long l:
                w.Write(LongObject);
                w.Write(l);
                break;
            case int i:
                w.Write(IntObject);
                w.Write(i);
                break;
            default:
                var serializer = system.Serialization.FindSerializerFor(value);
                w.Write(SerializedObject);
                w.Write(serializer.Identifier);
                w.Write(Serialization.ManifestFor(serializer, value));
                WriteBytes(w, serializer.ToBinary(value));
                break;
        }
    }

    private object? ReadObject(BinaryReader r) => r.ReadByte() switch
    {
        NullObject => null,
        StringObject => r.ReadString(),
        LongObject => r.ReadInt64(),
        IntObject => r.ReadInt32(),
        SerializedObject => ReadSerialized(r),
        var other => throw new SerializationException($"unknown object kind {other} in a clustered-rooms message"),
    };

    private object ReadSerialized(BinaryReader r)
    {
        int serializerId = r.ReadInt32();
        string manifest = r.ReadString();
        return system.Serialization.Deserialize(ReadBytes(r), serializerId, manifest);
    }
}
