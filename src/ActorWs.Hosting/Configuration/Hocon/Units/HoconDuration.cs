using System.Globalization;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Durations in the spec's "Duration format": a number and an optional lowercase unit — <c>ns</c>, <c>us</c>,
/// <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or their long forms (<c>nanosecond(s)</c>, <c>microsecond(s)</c>,
/// <c>millisecond(s)</c>, <c>second(s)</c>, <c>minute(s)</c>, <c>hour(s)</c>, <c>day(s)</c>). A bare number is
/// milliseconds. Fractions are allowed (<c>1.5s</c>); the result is truncated to whole <see cref="TimeSpan"/>
/// ticks (100 ns), so <c>50ns</c> is zero.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class HoconDuration
{
    private const long NanosecondsPerTick = 100;
    private const long NanosecondsPerMicrosecond = 1_000;
    private const long NanosecondsPerMillisecond = 1_000_000;
    private const long NanosecondsPerSecond = 1_000_000_000;
    private const long NanosecondsPerMinute = 60 * NanosecondsPerSecond;
    private const long NanosecondsPerHour = 60 * NanosecondsPerMinute;
    private const long NanosecondsPerDay = 24 * NanosecondsPerHour;

    /// <summary>Example text used in "expected ..." messages.</summary>
    internal const string Examples = "such as 10s, 500ms or 2 minutes";

    private static readonly Dictionary<string, long> NanosecondsPerUnit = new(StringComparer.Ordinal)
    {
        ["ns"] = 1, ["nanosecond"] = 1, ["nanoseconds"] = 1,
        ["us"] = NanosecondsPerMicrosecond, ["microsecond"] = NanosecondsPerMicrosecond, ["microseconds"] = NanosecondsPerMicrosecond,
        ["ms"] = NanosecondsPerMillisecond, ["millisecond"] = NanosecondsPerMillisecond, ["milliseconds"] = NanosecondsPerMillisecond,
        ["s"] = NanosecondsPerSecond, ["second"] = NanosecondsPerSecond, ["seconds"] = NanosecondsPerSecond,
        ["m"] = NanosecondsPerMinute, ["minute"] = NanosecondsPerMinute, ["minutes"] = NanosecondsPerMinute,
        ["h"] = NanosecondsPerHour, ["hour"] = NanosecondsPerHour, ["hours"] = NanosecondsPerHour,
        ["d"] = NanosecondsPerDay, ["day"] = NanosecondsPerDay, ["days"] = NanosecondsPerDay,
    };

    /// <summary>Parses a duration such as <c>10s</c>, <c>500ms</c> or <c>2 minutes</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="FormatException">The text is not a duration; the message says why.</exception>
    public static TimeSpan Parse(string text)
        => TryParse(text, out var value, out var problem) ? value : throw new FormatException($"{HoconScalar.Quote(text)} is not a duration: {problem}");

    /// <summary>Parses a duration without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The duration when valid.</param>
    /// <returns>True when <paramref name="text"/> is a duration.</returns>
    public static bool TryParse(string? text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <summary>Parses a duration without throwing, saying what is wrong when it fails.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The duration when valid.</param>
    /// <param name="problem">Why the text is not a duration (for messages), or null.</param>
    /// <returns>True when <paramref name="text"/> is a duration.</returns>
    public static bool TryParse(string? text, out TimeSpan value, out string? problem)
    {
        value = default;
        if (text is null)
        {
            problem = "it is missing";
            return false;
        }

        problem = UnitValueSyntax.TrySplit(text, out var number, out var unit);
        if (problem is not null) return false;
        long nanosecondsPerUnit = NanosecondsPerMillisecond;
        if (unit.Length > 0 && !NanosecondsPerUnit.TryGetValue(unit, out nanosecondsPerUnit))
        {
            problem = $"unknown unit \"{unit}\" (use ns, us, ms, s, m, h or d, lowercase)";
            return false;
        }

        try
        {
            var ticks = decimal.Truncate(number * nanosecondsPerUnit / NanosecondsPerTick);
            if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks) throw new OverflowException();
            value = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        catch (OverflowException)
        {
            problem = "it is too large for a duration";
            return false;
        }
    }

    /// <summary>Formats a duration in the largest unit that represents it exactly (<c>10s</c>, <c>1500ms</c>, <c>2m</c>).</summary>
    /// <param name="value">The duration.</param>
    /// <returns>Text that <see cref="Parse"/> reads back to the same value.</returns>
    public static string Format(TimeSpan value)
    {
        var nanoseconds = (Int128)value.Ticks * NanosecondsPerTick;
        (long Size, string Unit)[] units = [(NanosecondsPerDay, "d"), (NanosecondsPerHour, "h"), (NanosecondsPerMinute, "m"), (NanosecondsPerSecond, "s"), (NanosecondsPerMillisecond, "ms"), (NanosecondsPerMicrosecond, "us")];
        foreach (var (size, unit) in units)
        {
            if (nanoseconds % size == 0) return (nanoseconds / size).ToString(CultureInfo.InvariantCulture) + unit;
        }

        return nanoseconds.ToString(CultureInfo.InvariantCulture) + "ns";
    }
}
