using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using ActorWs.Server.Dispatch;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>
/// Rooms across an Akka.NET cluster: used instead of the single-node <see cref="RoomManager"/> when the server's actor
/// system has the cluster provider (<c>akka.actor.provider = cluster</c>). Starts the two shard regions every node runs:
/// rooms (entity id <c>type:name</c>, a <see cref="RoomEntity"/>) and room-type directories (entity id = the type's name,
/// a <see cref="RoomTypeDirectory"/>), with Distributed Data as the coordinator's state store.
/// </summary>
/// <remarks>
/// Every node of the cluster must define the same room types (entities of a type start on whichever node the
/// coordinator gives their shard) and the same shard count (<c>server.cluster.room-shards</c>). One ActorWs server per
/// clustered actor system: the regions are the system's.
/// </remarks>
internal sealed class ClusterRooms
{
    /// <summary>The rooms' shard region's type name.</summary>
    public const string RoomsTypeName = "actorws-rooms";

    /// <summary>The room-type directories' shard region's type name.</summary>
    public const string DirectoriesTypeName = "actorws-room-directories";

    private readonly ActorSystem _system;

    private ClusterRooms(ActorSystem system) => _system = system;

    /// <summary>The rooms' shard region on this node (envelopes with entity id <c>type:name</c>).</summary>
    public IActorRef Rooms => ClusterSharding.Get(_system).ShardRegion(RoomsTypeName);

    /// <summary>The directories' shard region on this node (envelopes with entity id = the room type).</summary>
    public IActorRef Directories => ClusterSharding.Get(_system).ShardRegion(DirectoriesTypeName);

    /// <summary>
    /// Whether <paramref name="system"/> runs the cluster provider, i.e. rooms are to be clustered. Asked by type name
    /// (<see cref="ActorWs.Server.Cluster.ClusterProvider"/>), so a local system never loads Akka.Cluster to learn it is not.
    /// </summary>
    public static bool IsClustered(ActorSystem system) => ActorWs.Server.Cluster.ClusterProvider.IsCluster(system);

    /// <summary>The entity id of a room: its type and name (room types have no ':' in their names: they are route-safe words).</summary>
    public static string RoomEntityId(string type, string name) => type + ":" + name;

    /// <summary>The type and name of a room's entity id.</summary>
    public static (string Type, string Name) SplitRoomEntityId(string entityId)
    {
        int colon = entityId.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"not a room entity id: {entityId}", nameof(entityId));
        return (entityId[..colon], entityId[(colon + 1)..]);
    }

    /// <summary>
    /// Starts this node's shard regions. The room entities and directories created on this node use
    /// <paramref name="runtime"/> (its room types, options, metrics).
    /// </summary>
    public static async Task<ClusterRooms> StartAsync(ActorSystem system, ServerRuntime runtime)
    {
        WarnIfRemoteFramesAreTooSmall(system, runtime);
        var sharding = ClusterSharding.Get(system);
        // Distributed Data's replicator runs on every node from the start: a room's entity reads (and, handed off,
        // writes) its snapshot on a majority of the nodes, and a replicator that was never asked for does not exist.
        Akka.DistributedData.DistributedData.Get(system);
        var settings = Settings(system);
        var extractor = new RoomShardExtractor(runtime.Options.Cluster.RoomShards);
        var rooms = new ClusterRooms(system);
        // Directories first: a room started on this node reports to its directory at the end of its first turn.
        // Each entity is made by a plain constructor call (FactoryActorProducer), not by Props.Create's expression,
        // which evaluates its arguments and constructs through reflection for every room and directory.
        // A directory asked to stop because its node leaves first hands what it knows to its next node, as a room does.
        await sharding.StartAsync(DirectoriesTypeName, type => FactoryActorProducer<RoomTypeDirectory>.Props(() => new RoomTypeDirectory(runtime, rooms, type)), settings, extractor,
            sharding.DefaultShardAllocationStrategy(settings), HandOffDirectory.Instance).ConfigureAwait(false);
        // A room entity asked to stop because its node leaves first hands the room's snapshot to its next node.
        await sharding.StartAsync(RoomsTypeName, entityId => FactoryActorProducer<RoomEntity>.Props(() => new RoomEntity(runtime, rooms, entityId)), settings, extractor,
            sharding.DefaultShardAllocationStrategy(settings), HandOffRoom.Instance).ConfigureAwait(false);
        return rooms;
    }

    /// <summary>What a room message carries besides its payload when it crosses nodes (actor paths, room name, numbers).</summary>
    internal const int RemoteEnvelopeAllowance = 64 * 1024;

    /// <summary>The Akka.Remote setting that bounds what one message between nodes may carry.</summary>
    internal const string RemoteFrameSizeKey = "akka.remote.dot-netty.tcp.maximum-frame-size";

    /// <summary>
    /// Warns when Akka.Remote's largest frame cannot carry a message of <see cref="Options.WebSocketOptions.MaxMessageSize"/>
    /// (or a route's larger limit): remoting drops such a message between nodes (and logs it), so members on other nodes
    /// would miss it.
    /// </summary>
    private static void WarnIfRemoteFramesAreTooSmall(ActorSystem system, ServerRuntime runtime)
    {
        long largest = runtime.Options.WebSocket.MaxMessageSize;
        foreach (var route in runtime.Routes.Routes) largest = Math.Max(largest, route.MaxMessageSize ?? 0);
        if (RemoteFrameProblem(system.Settings.Config.GetByteSize(RemoteFrameSizeKey, null), largest) is { } problem)
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(runtime.LoggerFactory.CreateLogger("ActorWs.Server.Cluster"), "{Problem}", problem);
        }
    }

    /// <summary>
    /// What is wrong with remoting's largest frame (<paramref name="frameSize"/> bytes, null when unset) for WebSocket
    /// messages of up to <paramref name="largestMessage"/> bytes, or null when it carries them with their envelope.
    /// </summary>
    internal static string? RemoteFrameProblem(long? frameSize, long largestMessage)
    {
        if (frameSize is not { } limit || limit >= largestMessage + RemoteEnvelopeAllowance) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{RemoteFrameSizeKey} is {limit} bytes, less than the largest WebSocket message this server takes ({largestMessage} bytes) and {RemoteEnvelopeAllowance / 1024} KiB for its envelope: larger room messages will not reach members on other nodes (Akka.Remote drops them). Raise {RemoteFrameSizeKey}, or lower server.websocket.max-message-size.");
    }

    /// <summary>
    /// The system's sharding settings with what rooms need on top: Distributed Data for the coordinator's state, no
    /// remembered entities (a room that is gone is gone), and no idle passivation (members talk to the room actor
    /// directly, so the shard does not see a busy room as busy; rooms stop themselves after their linger time).
    /// </summary>
    private static ClusterShardingSettings Settings(ActorSystem system)
    {
        var config = ConfigurationFactory.ParseString("""
            state-store-mode = ddata
            remember-entities = off
            passivate-idle-entity-after = off
            """).WithFallback(system.Settings.Config.GetConfig("akka.cluster.sharding"));
        return ClusterShardingSettings.Create(config, system.Settings.Config.GetConfig("akka.cluster.singleton"));
    }
}

/// <summary>
/// Shards rooms and directories by a stable hash of their entity id (FNV-1a over its UTF-16 code units), so every node
/// (every process: .NET's string hash differs between processes) puts an entity in the same one of a fixed number of
/// shards. Every message for an entity comes in a <see cref="ShardingEnvelope"/>, which Akka.Cluster.Sharding unwraps
/// itself (its entity id, then <see cref="ShardId(string, object?)"/>); anything else is not for a room.
/// </summary>
internal sealed class RoomShardExtractor(int shards) : IMessageExtractor
{
    /// <inheritdoc />
    public string? EntityId(object message) => null;

    /// <inheritdoc />
    public object? EntityMessage(object message) => message;

    /// <inheritdoc />
    [Obsolete("Akka.Cluster.Sharding calls ShardId(entityId, messageHint).")]
    public string? ShardId(object message) => null;

    /// <inheritdoc />
    public string ShardId(string entityId, object? messageHint = null) => ShardOf(entityId);

    /// <summary>The shard of an entity id: 0 to shards − 1.</summary>
    public string ShardOf(string entityId)
    {
        uint hash = 2166136261;
        foreach (char c in entityId) hash = (hash ^ c) * 16777619;
        return (hash % (uint)shards).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>Where an actor lives.</summary>
internal static class ActorRefPlacement
{
    /// <summary>Whether <paramref name="actor"/> is in this actor system (not a remote ref).</summary>
    public static bool IsLocalRef(this IActorRef actor) => actor is IInternalActorRef { IsLocal: true };
}
