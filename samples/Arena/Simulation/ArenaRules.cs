namespace ActorWs.Samples.Arena.Simulation;

/// <summary>
/// The arena's fixed geometry and physics. World units are what the page draws as CSS pixels at full size; the
/// wire carries positions in fixed point (<see cref="FixedPointScale"/> steps per unit) as unsigned 16-bit integers.
/// </summary>
/// <remarks>Constants only; thread-safe.</remarks>
public static class ArenaRules
{
    /// <summary>Width of the field in world units.</summary>
    public const int WorldWidth = 1200;

    /// <summary>Height of the field in world units.</summary>
    public const int WorldHeight = 700;

    /// <summary>Fixed-point steps per world unit (1/16 unit: sub-pixel precision, and 1200·16 still fits 16 bits).</summary>
    public const int FixedPointScale = 16;

    /// <summary>Radius of a player's dot in world units: the dot stays wholly inside the field.</summary>
    public const int PlayerRadius = 18;

    /// <summary>Radius of an item in world units.</summary>
    public const int ItemRadius = 10;

    /// <summary>Items are not placed closer than this to the border, so they can always be reached.</summary>
    public const int ItemMargin = 40;

    /// <summary>Top speed in world units per second; a steer input scales it down, never up.</summary>
    public const double MaxSpeed = 300;

    /// <summary>The largest component of a steer input; a vector longer than this is scaled back to it.</summary>
    public const int MaxSteer = 127;

    /// <summary>
    /// How long a steer input holds without being repeated. The page repeats its input while it steers; a player
    /// whose page went away (a reload, a cut connection) stops instead of running into the wall until it returns.
    /// </summary>
    public static readonly TimeSpan InputHold = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest step simulated at once: after a stall (a paused process, a slow machine) players move this much
    /// at most instead of jumping across the field.
    /// </summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromMilliseconds(100);

    /// <summary>Largest score a player can reach (it travels as 16 bits).</summary>
    public const int MaxScore = ushort.MaxValue;

    /// <summary>Most players one arena holds: slots travel as 0–7.</summary>
    public const int MaxPlayers = 8;

    /// <summary>Most items the encoding allows on the field at once.</summary>
    public const int MaxItemsLimit = 32;

    /// <summary>The players' colours and default names, by slot.</summary>
    public static readonly IReadOnlyList<(string Name, string Color)> SlotLooks =
    [
        ("Coral", "#ff6b6b"),
        ("Sky", "#4dabf7"),
        ("Lime", "#94d82d"),
        ("Amber", "#fcc419"),
        ("Violet", "#b197fc"),
        ("Teal", "#38d9a9"),
        ("Rose", "#f783ac"),
        ("Tangerine", "#ff922b"),
    ];

    /// <summary>World units to fixed point.</summary>
    public static int ToFixed(double units) => (int)Math.Round(units * FixedPointScale);
}
