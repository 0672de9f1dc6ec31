using System.Globalization;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Sizes in the spec's "Size in bytes format": a number and an optional unit. Bytes: <c>B</c>, <c>b</c>,
/// <c>byte</c>, <c>bytes</c>. Powers of ten: <c>kB</c>, <c>MB</c>, <c>GB</c>, <c>TB</c>, <c>PB</c>, <c>EB</c>,
/// <c>ZB</c>, <c>YB</c> and their long forms (<c>kilobyte(s)</c>…). Powers of two: <c>K</c>/<c>k</c>/<c>Ki</c>/<c>KiB</c>/<c>kibibyte(s)</c>,
/// and the same for M, G, T, P, E, Z, Y — single letters are powers of two. A bare number is bytes. Fractions
/// are allowed (<c>1.5MiB</c>) and the result is truncated to whole bytes; negative sizes are rejected.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ByteSize
{
    /// <summary>Example text used in "expected ..." messages.</summary>
    internal const string Examples = "such as 64KiB, 1MiB or 1000000";

    private static readonly Dictionary<string, decimal> BytesPerUnit = BuildUnits();

    /// <summary>Parses a size such as <c>64KiB</c>, <c>1MiB</c>, <c>10 MB</c> or <c>512</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The size in bytes.</returns>
    /// <exception cref="FormatException">The text is not a size; the message says why.</exception>
    public static long Parse(string text)
        => TryParse(text, out var value, out var problem) ? value : throw new FormatException($"{HoconScalar.Quote(text)} is not a size in bytes: {problem}");

    /// <summary>Parses a size without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The size when valid.</param>
    /// <returns>True when <paramref name="text"/> is a size.</returns>
    public static bool TryParse(string? text, out long bytes) => TryParse(text, out bytes, out _);

    /// <summary>Parses a size without throwing, saying what is wrong when it fails.</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The size when valid.</param>
    /// <param name="problem">Why the text is not a size (for messages), or null.</param>
    /// <returns>True when <paramref name="text"/> is a size.</returns>
    public static bool TryParse(string? text, out long bytes, out string? problem)
    {
        bytes = 0;
        if (text is null)
        {
            problem = "it is missing";
            return false;
        }

        problem = UnitValueSyntax.TrySplit(text, out var number, out var unit);
        if (problem is not null) return false;
        var perUnit = 1m;
        if (unit.Length > 0 && !BytesPerUnit.TryGetValue(unit, out perUnit))
        {
            problem = $"unknown unit \"{unit}\" (use B, kB, MB, GB… for powers of ten or K, KiB, MiB, GiB… for powers of two)";
            return false;
        }

        if (number < 0)
        {
            problem = "a size cannot be negative";
            return false;
        }

        try
        {
            var total = decimal.Truncate(number * perUnit);
            if (total > long.MaxValue) throw new OverflowException();
            bytes = (long)total;
            return true;
        }
        catch (OverflowException)
        {
            problem = $"it is larger than the largest supported size, {long.MaxValue} bytes";
            return false;
        }
    }

    /// <summary>Formats a size with the largest power-of-two unit that represents it exactly (<c>64KiB</c>, <c>1MiB</c>, <c>1000B</c>).</summary>
    /// <param name="bytes">The size.</param>
    /// <returns>Text that <see cref="Parse"/> reads back to the same value.</returns>
    public static string Format(long bytes)
    {
        (long Size, string Unit)[] units = [(1L << 60, "EiB"), (1L << 50, "PiB"), (1L << 40, "TiB"), (1L << 30, "GiB"), (1L << 20, "MiB"), (1L << 10, "KiB")];
        foreach (var (size, unit) in units)
        {
            if (bytes != 0 && bytes % size == 0) return (bytes / size).ToString(CultureInfo.InvariantCulture) + unit;
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            ["B"] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        };
        (string Short, string Long)[] decimalUnits = [("kB", "kilo"), ("MB", "mega"), ("GB", "giga"), ("TB", "tera"), ("PB", "peta"), ("EB", "exa"), ("ZB", "zetta"), ("YB", "yotta")];
        var power = 1m;
        foreach (var (shortName, prefix) in decimalUnits)
        {
            power *= 1000;
            units[shortName] = power;
            units[prefix + "byte"] = power;
            units[prefix + "bytes"] = power;
        }

        (char Letter, string Prefix)[] binaryUnits = [('K', "kibi"), ('M', "mebi"), ('G', "gibi"), ('T', "tebi"), ('P', "pebi"), ('E', "exbi"), ('Z', "zebi"), ('Y', "yobi")];
        power = 1m;
        foreach (var (letter, prefix) in binaryUnits)
        {
            power *= 1024;
            units[letter.ToString()] = power;
            units[char.ToLowerInvariant(letter).ToString()] = power;
            units[letter + "i"] = power;
            units[letter + "iB"] = power;
            units[prefix + "byte"] = power;
            units[prefix + "bytes"] = power;
        }

        return units;
    }
}
