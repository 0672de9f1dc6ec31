using ActorWs.Hosting.Configuration;
using ActorWs.Samples.Arena.Simulation;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Samples.Arena.Settings;

/// <summary>The <c>arena</c> section of <c>arena.conf</c> (overridable like any setting: <c>--arena:tick-rate=20</c>).</summary>
/// <param name="TickRate">Simulation steps and state frames per second.</param>
/// <param name="KeyframeEvery">Every this many ticks everyone gets a full snapshot, so nothing missed sticks.</param>
/// <param name="MaxPlayers">Seats per arena room.</param>
/// <param name="MaxItems">Items on the field at once.</param>
/// <param name="ItemRespawn">Time from a pickup to the next item.</param>
/// <param name="ReconnectionWindow">How long a dropped or reloading player keeps its dot.</param>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record ArenaSettings(int TickRate, int KeyframeEvery, int MaxPlayers, int MaxItems, TimeSpan ItemRespawn, TimeSpan ReconnectionWindow)
{
    /// <summary>Slowest tick rate allowed: below it movement looks choppy even interpolated.</summary>
    public const int MinTickRate = 10;

    /// <summary>Fastest tick rate allowed.</summary>
    public const int MaxTickRate = 60;

    /// <summary>The defaults (equal to <c>arena.conf</c>).</summary>
    public static ArenaSettings Default { get; } = new(30, 30, ArenaRules.MaxPlayers, 5, TimeSpan.FromMilliseconds(1200), TimeSpan.FromSeconds(20));

    /// <summary>The world these settings describe.</summary>
    public ArenaWorldOptions World => new(MaxPlayers, MaxItems, ItemRespawn);

    /// <summary>Reads and validates the <c>arena</c> section.</summary>
    /// <exception cref="ConfigurationValidationException">A value is invalid; the message names each setting, where it came from and what was expected.</exception>
    public static ArenaSettings Read(IConfigurationRoot configuration)
    {
        var reader = new ConfigurationSettingReader(configuration, "arena");
        var d = Default;
        var settings = new ArenaSettings(
            reader.GetInt("tick-rate", MinTickRate, MaxTickRate, d.TickRate),
            reader.GetInt("keyframe-every", 1, 600, d.KeyframeEvery),
            reader.GetInt("max-players", 1, ArenaRules.MaxPlayers, d.MaxPlayers),
            reader.GetInt("max-items", 0, ArenaRules.MaxItemsLimit, d.MaxItems),
            reader.GetDuration("item-respawn", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), d.ItemRespawn),
            reader.GetDuration("reconnection-window", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), d.ReconnectionWindow));
        reader.ThrowIfInvalid();
        return settings;
    }
}
