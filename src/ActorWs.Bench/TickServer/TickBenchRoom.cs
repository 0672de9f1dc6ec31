using System.Net.WebSockets;
using System.Text.Json;
using ActorWs.Server.Rooms;

namespace ActorWs.Bench.TickServer;

/// <summary>
/// The game-tick benchmark's room (issue 7): a server-authoritative loop that broadcasts one binary state
/// delta per tick to every member, stamped with the server's monotonic clock so clients can measure delivery latency.
/// </summary>
/// <remarks>
/// Thread-safety: like every <see cref="Room"/>, used only by its room actor, one callback at a time; the
/// payload buffer is reused for every tick because the broadcast copies it before returning.
/// </remarks>
public sealed class TickBenchRoom : Room
{
    /// <summary>The room type the load generator joins with <c>joinOrCreate</c>.</summary>
    public const string TypeName = "bench-tick";

    /// <summary>Seats: more than the benchmark's clients, so every client joins the same room.</summary>
    public const int Seats = 1000;

    private readonly int _hz;
    private readonly byte[] _payload;

    /// <summary>Creates the room logic.</summary>
    /// <param name="hz">Ticks per second (1–120).</param>
    /// <param name="payloadBytes">Bytes broadcast per tick, at least <see cref="TickPayload.TimestampBytes"/>.</param>
    public TickBenchRoom(int hz, int payloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hz, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hz, TickServerArguments.MaxHz);
        ArgumentOutOfRangeException.ThrowIfLessThan(payloadBytes, TickPayload.TimestampBytes);
        _hz = hz;
        _payload = new byte[payloadBytes];
        TickPayload.Initialize(_payload);
    }

    /// <inheritdoc />
    protected internal override void OnCreate(JsonElement options)
    {
        MaxClients = Seats;
        SetTickRate(_hz);
    }

    /// <inheritdoc />
    protected internal override void OnTick(TimeSpan delta)
    {
        // Stamped last thing before the broadcast, so the measured latency is the server's delivery path only.
        TickPayload.Stamp(_payload, TickPayload.NowNanoseconds());
        Broadcast(_payload, WebSocketMessageType.Binary);
    }
}
