using System.Buffers;
using System.Text.Json;
using ActorWs.Samples.Arena.Simulation;

namespace ActorWs.Samples.Arena.Protocol;

/// <summary>
/// The roster, a JSON message the room sends whenever someone joins or leaves (and with every sync): who is in
/// which slot, with name and colour, plus what a page needs to interpret state frames. State frames carry slots
/// only, so names and ids travel once per change instead of 30 times a second.
/// <code>
/// {"t":"roster","room":"arena-1","tickRate":30,"keyframeEvery":30,"maxPlayers":8,
///  "world":{"width":1200,"height":700,"scale":16,"playerRadius":18,"itemRadius":10},
///  "players":[{"slot":0,"id":"s-1f","name":"Coral","color":"#ff6b6b"}]}
/// </code>
/// </summary>
/// <remarks>Stateless and thread-safe (the world it reads is not).</remarks>
public static class RosterMessage
{
    /// <summary>The value of <c>"t"</c> that marks a roster.</summary>
    public const string Type = "roster";

    /// <summary>Writes the roster of <paramref name="world"/> (players in slot order).</summary>
    public static void Write(IBufferWriter<byte> writer, ArenaWorld world, string room, int tickRate, int keyframeEvery)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(world);
        using var json = new Utf8JsonWriter(writer);
        json.WriteStartObject();
        json.WriteString("t", Type);
        json.WriteString("room", room);
        json.WriteNumber("tickRate", tickRate);
        json.WriteNumber("keyframeEvery", keyframeEvery);
        json.WriteNumber("maxPlayers", world.MaxPlayers);
        json.WriteStartObject("world");
        json.WriteNumber("width", ArenaRules.WorldWidth);
        json.WriteNumber("height", ArenaRules.WorldHeight);
        json.WriteNumber("scale", ArenaRules.FixedPointScale);
        json.WriteNumber("playerRadius", ArenaRules.PlayerRadius);
        json.WriteNumber("itemRadius", ArenaRules.ItemRadius);
        json.WriteEndObject();
        json.WriteStartArray("players");
        for (int slot = 0; slot < world.MaxPlayers; slot++)
        {
            if (world.PlayerInSlot(slot) is not { } player) continue;
            json.WriteStartObject();
            json.WriteNumber("slot", player.Slot);
            json.WriteString("id", player.Id);
            json.WriteString("name", player.Name);
            json.WriteString("color", player.Color);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
