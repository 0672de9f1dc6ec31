using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>Directory → manager: how many rooms of its type exist.</summary>
internal sealed record RoomsCounted(int Count);

/// <summary>Directory → manager: whether a message told to a room by name was passed on (false: no such room).</summary>
internal sealed record RoomMessageForwarded(bool Delivered);

/// <summary>Directory → manager: a matchmade room was made for an embedder (<see cref="RoomDirectory.CreateAsync"/>), with this id.</summary>
internal sealed record MatchmadeRoomCreated(string Id);

/// <summary>
/// The node's room manager when rooms are clustered: what sessions and <see cref="RoomDirectory"/> talk to, taking the
/// same requests as the single-node <see cref="RoomManager"/> and giving the same answers, from the room type's
/// <see cref="RoomTypeDirectory"/> (one per type in the whole cluster) instead of from local state.
/// </summary>
/// <remarks>
/// Joins and typed listings are forwarded to the type's directory with the asker as sender, so the answer goes straight
/// back to it. What needs more than one directory (listing or counting every type) or another shape of answer is asked
/// here and piped back.
/// </remarks>
internal sealed class ClusterRoomManager : UntypedActor
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly ServerRuntime _runtime;
    private readonly ClusterRooms _cluster;

    public ClusterRoomManager(ServerRuntime runtime, ClusterRooms cluster)
    {
        _runtime = runtime;
        _cluster = cluster;
    }

    private bool Known(string type) => _runtime.RoomTypes.TryGet(type, out _);

    /// <summary>What a session hears when a listing of every type could not be made.</summary>
    internal const string ListingFailed = "the room listing could not be made (a room type's directory did not answer in time); try again";

    private static string UnknownType(string type) => $"unknown room type \"{type}\"";

    private void ToDirectory(string type, object message) => _cluster.Directories.Forward(new ShardingEnvelope(type, message));

    private Task<T> AskDirectory<T>(string type, object message) => _cluster.Directories.Ask<T>(new ShardingEnvelope(type, message), AskTimeout);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case JoinRoomRequest join:
                if (Known(join.RoomType)) ToDirectory(join.RoomType, join);
                else Sender.Tell(new RoomJoinRefused(join.Room ?? join.RoomType, UnknownType(join.RoomType), join.Tag), Self);
                break;
            case ResumeMembership resume:
                if (Known(resume.Request.RoomType) && resume.Request.Room is { } name)
                    _cluster.Rooms.Forward(new ShardingEnvelope(ClusterRooms.RoomEntityId(resume.Request.RoomType, name), resume));
                else
                    Sender.Tell(new MembershipNotResumed(resume.Request.Room ?? resume.Request.RoomType, UnknownType(resume.Request.RoomType)), Self);
                break;
            case ListRoomsRequest list when list.RoomType is not null:
                if (Known(list.RoomType)) ToDirectory(list.RoomType, list);
                else Sender.Tell(new RoomList([], null, list.Tag), Self);
                break;
            case ListRoomsRequest all:
                ListEveryTypeAsync(all).PipeTo(Sender, Self, failure: _ => new RoomListRefused(ListingFailed, all.Tag));
                break;
            case GetRoom get:
                if (Known(get.Type)) ToDirectory(get.Type, get);
                else Sender.Tell(new RoomLookup(get.Type, get.Name, null, get.CreateIfMissing ? UnknownType(get.Type) : null), Self);
                break;
            case RoomManager.FindRoom find:
                if (!Known(find.Type)) Sender.Tell(ActorRefs.Nobody, Self);
                else AskDirectory<RoomLookup>(find.Type, new GetRoom(find.Type, find.Name)).PipeTo(Sender, Self, lookup => lookup.Room ?? ActorRefs.Nobody);
                break;
            case RoomManager.EnsureRoom ensure:
                if (!Known(ensure.Type))
                    Sender.Tell(new RoomJoinRefused(ensure.Name, UnknownType(ensure.Type), null), Self);
                else
                    AskDirectory<RoomLookup>(ensure.Type, new GetRoom(ensure.Type, ensure.Name, CreateIfMissing: true))
                        .PipeTo(Sender, Self, lookup => lookup.Room ?? (object)new RoomJoinRefused(ensure.Name, lookup.Error ?? "no such room", null));
                break;
            case RoomManager.TellRoom tell:
                if (!Known(tell.Type)) Sender.Tell(false, Self);
                else AskDirectory<RoomMessageForwarded>(tell.Type, tell).PipeTo(Sender, Self, forwarded => forwarded.Delivered);
                break;
            case RoomManager.CreateRoom create:
                if (!Known(create.Type)) Sender.Tell(new RoomJoinRefused(create.Type, UnknownType(create.Type), null), Self);
                else AskDirectory<object>(create.Type, create).PipeTo(Sender, Self, reply => reply is MatchmadeRoomCreated created ? created.Id : reply);
                break;
            case RoomManager.CountRooms:
                CountEveryTypeAsync().PipeTo(Sender, Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>The room types in the order of their keys' ranges (<c>type:</c> … <c>type;</c>), i.e. the order of a listing of all types.</summary>
    private string[] TypesInKeyOrder()
    {
        var types = _runtime.RoomTypes.Names.ToArray();
        Array.Sort(types, (a, b) => string.CompareOrdinal(a + ":", b + ":"));
        return types;
    }

    /// <summary>
    /// A page of every type's rooms: each type's directory in key order, from the cursor's type on, until the page is
    /// full or a directory says it has more (its cursor is then the page's).
    /// </summary>
    private async Task<RoomList> ListEveryTypeAsync(ListRoomsRequest request)
    {
        var page = new List<RoomListing>();
        string? lastKey = null;
        foreach (var type in TypesInKeyOrder())
        {
            // A cursor past this type's range (type; follows every type:name) skips it.
            if (request.AfterKey is not null && string.CompareOrdinal(request.AfterKey, type + ";") >= 0) continue;
            if (page.Count == request.Limit) return new RoomList(page, RoomListCursor.Encode(lastKey!), request.Tag);
            string? after = request.AfterKey is not null && request.AfterKey.StartsWith(type + ":", StringComparison.Ordinal) ? request.AfterKey : null;
            var part = await AskDirectory<RoomList>(type, request with { RoomType = type, AfterKey = after, Limit = request.Limit - page.Count }).ConfigureAwait(false);
            page.AddRange(part.Rooms);
            if (part.Next is not null) return new RoomList(page, part.Next, request.Tag);
            if (part.Rooms.Count > 0) lastKey = type + ":" + part.Rooms[^1].Room;
        }
        return new RoomList(page, null, request.Tag);
    }

    private async Task<int> CountEveryTypeAsync()
    {
        var counts = await Task.WhenAll(_runtime.RoomTypes.Names.Select(type => AskDirectory<RoomsCounted>(type, RoomManager.CountRooms.Instance))).ConfigureAwait(false);
        return counts.Sum(c => c.Count);
    }
}
