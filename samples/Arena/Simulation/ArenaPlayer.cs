namespace ActorWs.Samples.Arena.Simulation;

/// <summary>One player's dot: where it is, what it scored, and how it is being steered.</summary>
/// <remarks>Owned by its <see cref="ArenaWorld"/>; not thread-safe (the world runs inside one room actor).</remarks>
public sealed class ArenaPlayer
{
    // Kept in fixed-point steps as doubles so slow inputs still move (no per-tick rounding to zero);
    // what travels (and what "changed" means) is the rounded value.
    private double _x;
    private double _y;

    internal ArenaPlayer(int slot, string id, string name, double x, double y)
    {
        Slot = slot;
        Id = id;
        Name = name;
        _x = x;
        _y = y;
        Changed = true;
    }

    /// <summary>The player's slot, 0–7: its key in state frames and the index of its colour.</summary>
    public int Slot { get; }

    /// <summary>The member id (the session id), stable across reloads within the reconnection window.</summary>
    public string Id { get; }

    /// <summary>The short name shown next to the dot.</summary>
    public string Name { get; }

    /// <summary>The dot's colour (CSS hex), by slot.</summary>
    public string Color => ArenaRules.SlotLooks[Slot].Color;

    /// <summary>Horizontal position in fixed point (see <see cref="ArenaRules.FixedPointScale"/>).</summary>
    public int X => (int)Math.Round(_x);

    /// <summary>Vertical position in fixed point (y grows downwards).</summary>
    public int Y => (int)Math.Round(_y);

    /// <summary>Items picked up.</summary>
    public int Score { get; internal set; }

    /// <summary>The last steer input's horizontal component (−127–127; 0 when it expired).</summary>
    public int SteerX { get; private set; }

    /// <summary>The last steer input's vertical component (−127–127; 0 when it expired).</summary>
    public int SteerY { get; private set; }

    /// <summary>Whether position or score changed since the last state frame was written.</summary>
    public bool Changed { get; internal set; }

    /// <summary>Time since the current steer input arrived.</summary>
    internal TimeSpan InputAge { get; private set; }

    internal void SetSteer(int x, int y)
    {
        SteerX = Math.Clamp(x, -ArenaRules.MaxSteer, ArenaRules.MaxSteer);
        SteerY = Math.Clamp(y, -ArenaRules.MaxSteer, ArenaRules.MaxSteer);
        InputAge = TimeSpan.Zero;
    }

    /// <summary>Moves the dot for one step of <paramref name="seconds"/> (already capped), held inside the field.</summary>
    internal void Move(TimeSpan elapsed, double seconds)
    {
        if (SteerX == 0 && SteerY == 0) return;
        // Aged after use: an input always drives the step after it arrived, even when that step comes late
        // (a stalled machine), and then every step that starts within the hold time.
        if (InputAge > ArenaRules.InputHold)
        {
            SteerX = SteerY = 0;
            return;
        }
        InputAge += elapsed;
        double length = Math.Sqrt(SteerX * SteerX + SteerY * SteerY);
        // Direction from the input, speed from its length: a diagonal key pair is no faster than one key.
        double speed = ArenaRules.MaxSpeed * ArenaRules.FixedPointScale * Math.Min(length, ArenaRules.MaxSteer) / ArenaRules.MaxSteer;
        int oldX = X, oldY = Y;
        _x = Math.Clamp(_x + SteerX / length * speed * seconds, MinX, MaxX);
        _y = Math.Clamp(_y + SteerY / length * speed * seconds, MinY, MaxY);
        if (X != oldX || Y != oldY) Changed = true;
    }

    internal const double MinX = ArenaRules.PlayerRadius * ArenaRules.FixedPointScale;
    internal const double MaxX = (ArenaRules.WorldWidth - ArenaRules.PlayerRadius) * ArenaRules.FixedPointScale;
    internal const double MinY = ArenaRules.PlayerRadius * ArenaRules.FixedPointScale;
    internal const double MaxY = (ArenaRules.WorldHeight - ArenaRules.PlayerRadius) * ArenaRules.FixedPointScale;
}
