using System.Diagnostics.CodeAnalysis;

namespace ActorWs.Samples.Arena.Protocol;

/// <summary>What a client's binary input asks for.</summary>
public enum ArenaInputKind : byte
{
    /// <summary><c>0x01 dx dy</c>: steer in direction (dx, dy), signed bytes; the length scales the speed.</summary>
    Steer = 0x01,

    /// <summary><c>0x02</c>: send me the roster and a keyframe (a resumed or restarted page starting from nothing).</summary>
    Sync = 0x02,
}

/// <summary>A valid client input.</summary>
/// <param name="Kind">What it asks for.</param>
/// <param name="X">Steer: horizontal component, −127–127 (−128 is read as −127).</param>
/// <param name="Y">Steer: vertical component (y grows downwards).</param>
/// <remarks>Immutable; thread-safe.</remarks>
public readonly record struct ArenaInput(ArenaInputKind Kind, int X, int Y)
{
    /// <summary>Bytes of a steer input.</summary>
    public const int SteerSize = 3;

    /// <summary>Bytes of a sync request.</summary>
    public const int SyncSize = 1;

    /// <summary>
    /// Reads a client's binary message. Never throws: anything but a well-formed input gets an error text, which the
    /// room sends back (the client's mistake, not the room's failure).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out ArenaInput input, [NotNullWhen(false)] out string? error)
    {
        input = default;
        if (bytes.IsEmpty)
        {
            error = "empty input: send 0x01 dx dy (steer) or 0x02 (sync)";
            return false;
        }
        switch ((ArenaInputKind)bytes[0])
        {
            case ArenaInputKind.Steer when bytes.Length == SteerSize:
                // -128 has no positive twin: read it as -127 so every direction has the same top speed.
                input = new ArenaInput(ArenaInputKind.Steer, Math.Max((sbyte)bytes[1], (sbyte)-127), Math.Max((sbyte)bytes[2], (sbyte)-127));
                error = null;
                return true;
            case ArenaInputKind.Steer:
                error = $"a steer input is {SteerSize} bytes (0x01, dx, dy), got {bytes.Length}";
                return false;
            case ArenaInputKind.Sync when bytes.Length == SyncSize:
                input = new ArenaInput(ArenaInputKind.Sync, 0, 0);
                error = null;
                return true;
            case ArenaInputKind.Sync:
                error = $"a sync request is {SyncSize} byte (0x02), got {bytes.Length}";
                return false;
            default:
                error = $"unknown input type 0x{bytes[0]:x2}: send 0x01 dx dy (steer) or 0x02 (sync)";
                return false;
        }
    }
}
