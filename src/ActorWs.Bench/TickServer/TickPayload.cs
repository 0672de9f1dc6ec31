using System.Buffers.Binary;
using System.Diagnostics;

namespace ActorWs.Bench.TickServer;

/// <summary>
/// The benchmark room's state delta: the server's monotonic clock in nanoseconds (8 bytes, little-endian),
/// then filler. On Linux <see cref="Stopwatch.GetTimestamp"/> reads <c>CLOCK_MONOTONIC</c>, the clock the
/// C load generator reads with <c>clock_gettime</c>, so the generator's "now − timestamp" is the delivery latency.
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class TickPayload
{
    /// <summary>Bytes of the timestamp at the start of every payload.</summary>
    public const int TimestampBytes = sizeof(long);

    /// <summary>The filler after the timestamp (any value would do; a constant keeps deliveries identical but for the time).</summary>
    public const byte Filler = 0x5A;

    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>A <see cref="Stopwatch"/> timestamp in nanoseconds, exactly (no floating point, no overflow for any realistic uptime).</summary>
    /// <param name="timestamp">A value of <see cref="Stopwatch.GetTimestamp"/>.</param>
    /// <param name="frequency">Its ticks per second (<see cref="Stopwatch.Frequency"/>).</param>
    /// <returns>Nanoseconds on the same clock.</returns>
    public static long ToNanoseconds(long timestamp, long frequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequency);
        if (frequency == NanosecondsPerSecond)
        {
            return timestamp;
        }

        var seconds = Math.DivRem(timestamp, frequency, out var remainder);
        return (seconds * NanosecondsPerSecond) + (long)((Int128)remainder * NanosecondsPerSecond / frequency);
    }

    /// <summary>The monotonic clock now, in nanoseconds.</summary>
    /// <returns>Nanoseconds since an unspecified start (boot, on Linux).</returns>
    public static long NowNanoseconds() => ToNanoseconds(Stopwatch.GetTimestamp(), Stopwatch.Frequency);

    /// <summary>Fills a payload buffer once: zero timestamp, then <see cref="Filler"/>.</summary>
    /// <param name="payload">The buffer, at least <see cref="TimestampBytes"/> long.</param>
    /// <exception cref="ArgumentException">The buffer is shorter than the timestamp.</exception>
    public static void Initialize(Span<byte> payload)
    {
        if (payload.Length < TimestampBytes)
        {
            throw new ArgumentException($"A tick payload holds at least the {TimestampBytes}-byte timestamp.", nameof(payload));
        }

        payload[..TimestampBytes].Clear();
        payload[TimestampBytes..].Fill(Filler);
    }

    /// <summary>Writes <paramref name="nanoseconds"/> at the start of the payload; the filler is left as it is.</summary>
    /// <param name="payload">The buffer, at least <see cref="TimestampBytes"/> long.</param>
    /// <param name="nanoseconds">The send time.</param>
    /// <exception cref="ArgumentException">The buffer is shorter than the timestamp.</exception>
    public static void Stamp(Span<byte> payload, long nanoseconds)
    {
        if (payload.Length < TimestampBytes)
        {
            throw new ArgumentException($"A tick payload holds at least the {TimestampBytes}-byte timestamp.", nameof(payload));
        }

        BinaryPrimitives.WriteInt64LittleEndian(payload, nanoseconds);
    }
}
