using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using ActorWs.Samples.Arena.Protocol;
using ActorWs.Samples.Arena.Settings;
using ActorWs.Samples.Arena.Simulation;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;

namespace ActorWs.Samples.Arena.Rooms;

/// <summary>
/// Room type <c>"arena"</c>: a server-authoritative arena for up to eight players. Clients send small binary inputs
/// (<see cref="ArenaInput"/>); every tick the room steps its <see cref="ArenaWorld"/> and broadcasts a binary state
/// frame: a delta of what changed (nothing when nothing did), or a keyframe every
/// <see cref="ArenaSettings.KeyframeEvery"/> ticks. Joins and leaves broadcast the JSON <see cref="RosterMessage"/>;
/// a joiner also gets a keyframe of its own to start from.
/// </summary>
/// <remarks>
/// Run by its room actor: one callback at a time, so no locks. A player stays in the world while its session waits
/// within the reconnection window (the room sees no leave then) and leaves it when the session ends.
/// </remarks>
public sealed class ArenaRoom(ArenaSettings settings, Func<Random> randomSource) : Room
{
    /// <summary>The registered room type.</summary>
    public const string TypeName = "arena";

    private ArenaWorld _world = null!;

    /// <summary>A room with an unseeded random source.</summary>
    public ArenaRoom(ArenaSettings settings)
        : this(settings, static () => new Random())
    {
    }

    /// <inheritdoc />
    protected override void OnCreate(JsonElement options)
    {
        _world = new ArenaWorld(settings.World, randomSource());
        MaxClients = settings.MaxPlayers;
        SetMetadata("mode", "ffa");
        SetTickRate(settings.TickRate);
    }

    /// <inheritdoc />
    protected override RoomAuthResult OnAuth(RoomMember client, JsonElement options)
    {
        if (!PlayerName.TryRead(options, out string? name, out string? error)) return RoomAuthResult.Reject(error);
        // Kept on the member, so a restarted room (fresh logic, same members) still knows the chosen name.
        client.State = new ArenaMemberState(name);
        return RoomAuthResult.Accept();
    }

    /// <inheritdoc />
    protected override void OnJoin(RoomMember member)
    {
        string? name = (member.State as ArenaMemberState)?.Name;
        // MaxClients equals the slot count, so a seat always has a slot.
        if (_world.Join(member.Id, name) is null) throw new InvalidOperationException($"No free slot for {member.Id} in {Name}.");
        BroadcastRoster();
        Send(member, _world, static (writer, world) => StateFrameWriter.WriteKeyframe(writer, world), WebSocketMessageType.Binary);
    }

    /// <inheritdoc />
    protected override void OnLeave(RoomMember member, bool consented)
    {
        if (_world.Leave(member.Id)) BroadcastRoster();
    }

    /// <inheritdoc />
    protected override void OnMessage(RoomMember member, WebSocketMessage message)
    {
        if (message.Type != WebSocketMessageType.Binary)
            throw new RoomMessageRejectedException("the arena takes binary inputs: 0x01 dx dy (steer) or 0x02 (sync)");
        if (!ArenaInput.TryParse(message.Span, out var input, out string? error)) throw new RoomMessageRejectedException(error);
        var player = _world.Find(member.Id);
        if (player is null) return; // cannot happen while a member; nothing to steer anyway
        switch (input.Kind)
        {
            case ArenaInputKind.Steer:
                ArenaWorld.Steer(player, input.X, input.Y);
                break;
            case ArenaInputKind.Sync:
                Send(member, this, static (writer, room) => room.WriteRoster(writer), WebSocketMessageType.Text);
                Send(member, _world, static (writer, world) => StateFrameWriter.WriteKeyframe(writer, world), WebSocketMessageType.Binary);
                break;
        }
    }

    /// <inheritdoc />
    protected override void OnTick(TimeSpan delta)
    {
        _world.Step(delta);
        if (_world.Tick % (uint)settings.KeyframeEvery == 0 || _world.PickupsOverflowed)
            Broadcast(_world, static (writer, world) => StateFrameWriter.WriteKeyframe(writer, world), WebSocketMessageType.Binary);
        else if (_world.HasChanges)
            Broadcast(_world, static (writer, world) => StateFrameWriter.WriteDelta(writer, world), WebSocketMessageType.Binary);
        _world.ClearChanges();
    }

    private void BroadcastRoster() => Broadcast(this, static (writer, room) => room.WriteRoster(writer), WebSocketMessageType.Text);

    private void WriteRoster(IBufferWriter<byte> writer) => RosterMessage.Write(writer, _world, Name, settings.TickRate, settings.KeyframeEvery);
}

/// <summary>What the room keeps on a member between its join request and its join (and across room restarts).</summary>
/// <param name="Name">The name it asked for; null for its slot's colour name.</param>
internal sealed record ArenaMemberState(string? Name);
