using System.Globalization;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>The "expected ..." phrases of error messages, so every reader words them the same way.</summary>
internal static class SettingExpectations
{
    public const string Text = "a string";
    public const string Boolean = "a boolean (true/false, yes/no or on/off)";
    public const string TextList = "a list of strings";
    public const string Object = "an object";
    public const string Section = "an object holding settings (a section)";
    public const string Number = "a number";

    /// <summary>"an integer 1–65535", "an integer of at least 1", or "an integer" when unbounded for its type.</summary>
    public static string Integer(long min, long max, long typeMin, long typeMax) => Range("an integer", min, max, typeMin, typeMax, v => v.ToString(CultureInfo.InvariantCulture), "–");

    /// <summary>"a duration such as 10s… between 1s and 10m".</summary>
    public static string Duration(TimeSpan min, TimeSpan max)
        => Range($"a duration {HoconDuration.Examples}", min.Ticks, max.Ticks, TimeSpan.MinValue.Ticks, TimeSpan.MaxValue.Ticks, t => HoconDuration.Format(TimeSpan.FromTicks(t)), null);

    /// <summary>"a size in bytes such as 64KiB… between 1KiB and 16MiB".</summary>
    public static string Size(long min, long max)
        => Range($"a size in bytes {ByteSize.Examples}", min, max, 0, long.MaxValue, ByteSize.Format, null);

    private static string Range(string noun, long min, long max, long typeMin, long typeMax, Func<long, string> format, string? compactSeparator)
    {
        var hasMin = min != typeMin;
        var hasMax = max != typeMax;
        if (hasMin && hasMax)
        {
            return compactSeparator is null ? $"{noun} between {format(min)} and {format(max)}" : $"{noun} {format(min)}{compactSeparator}{format(max)}";
        }

        if (hasMin) return $"{noun} of at least {format(min)}";
        if (hasMax) return $"{noun} of at most {format(max)}";
        return noun;
    }
}
