using System.Globalization;

namespace ActorWs.Bench.LoadGeneration;

/// <summary>
/// One line of the load generator's stdout: an event name followed by <c>key=value</c> fields,
/// e.g. <c>result mode=echo msgs_per_sec=51234.5 latency_p99_us=812.3 err_connect=0</c>.
/// </summary>
/// <param name="Event">The first word: <c>measure_start</c>, <c>measure_end</c>, <c>warmed</c>, <c>ready</c> or <c>result</c>.</param>
/// <param name="Fields">The key/value pairs in order of appearance (a repeated key keeps its last value).</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record LoadGenRecord(string Event, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>Sent when the measured window opens (echo, broadcast).</summary>
    public const string MeasureStart = "measure_start";

    /// <summary>Sent when the measured window closes (echo, broadcast).</summary>
    public const string MeasureEnd = "measure_end";

    /// <summary>Hold: warm-up connections done; the generator waits for a line before opening the idle ones.</summary>
    public const string Warmed = "warmed";

    /// <summary>Hold: all idle connections open; the generator waits for a line before closing them.</summary>
    public const string Ready = "ready";

    /// <summary>The final figures of a run.</summary>
    public const string Result = "result";

    /// <summary>
    /// Parses a line. Returns <see langword="null"/> for a blank line; words without <c>=</c> after the
    /// event name are ignored, so a newer generator may add fields without breaking older parsers.
    /// </summary>
    /// <param name="line">The line, without its newline.</param>
    /// <returns>The record, or null.</returns>
    public static LoadGenRecord? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in words.AsSpan(1))
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields[word[..equals]] = word[(equals + 1)..];
            }
        }

        return new LoadGenRecord(words[0], fields);
    }

    /// <summary>A numeric field, or <see langword="null"/> when absent, not a number, or not finite (nan, inf).</summary>
    /// <param name="key">The field name.</param>
    /// <returns>The value, or null.</returns>
    public double? Number(string key) =>
        Fields.TryGetValue(key, out var text)
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value)
            ? value
            : null;

    /// <summary>The sum of the numeric fields named, treating absent ones as zero.</summary>
    /// <param name="keys">The field names.</param>
    /// <returns>The sum.</returns>
    public double Sum(params ReadOnlySpan<string> keys)
    {
        double total = 0;
        foreach (var key in keys)
        {
            total += Number(key) ?? 0;
        }

        return total;
    }
}
