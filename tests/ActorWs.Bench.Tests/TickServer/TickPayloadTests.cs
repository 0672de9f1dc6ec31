using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using ActorWs.Bench.TickServer;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ActorWs.Bench.Tests.TickServer;

public partial class TickPayloadTests
{
    private const int ClockMonotonic = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private static long MonotonicNanoseconds()
    {
        Assert.Equal(0, ClockGetTime(ClockMonotonic, out var time));
        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    [Fact]
    public void The_timestamp_is_clock_monotonic_the_clock_the_c_generator_reads()
    {
        Assert.True(OperatingSystem.IsLinux(), "the load tool measures on Linux only");
        var before = MonotonicNanoseconds();
        var stamped = TickPayload.NowNanoseconds();
        var after = MonotonicNanoseconds();
        Assert.InRange(stamped, before, after);
    }

    [Fact]
    public void A_nanosecond_frequency_is_taken_as_is()
    {
        Assert.Equal(123_456_789_012L, TickPayload.ToNanoseconds(123_456_789_012L, 1_000_000_000));
    }

    [Fact]
    public void Other_frequencies_scale_exactly()
    {
        // Up to three years of uptime, at frequencies seen on real machines (and odd ones).
        var cases =
            from frequency in Gen.Elements(1_000L, 3_579_545L, 10_000_000L, 2_400_000_000L)
            from seconds in Gen.Choose(0, 100_000_000)
            from fraction in Gen.Choose(0, int.MaxValue)
            select (Timestamp: (seconds * frequency) + (fraction % frequency), Frequency: frequency);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var exact = (BigInteger)c.Timestamp * 1_000_000_000 / c.Frequency;
            return TickPayload.ToNanoseconds(c.Timestamp, c.Frequency) == (long)exact;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_non_positive_frequency_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TickPayload.ToNanoseconds(1, 0));
    }

    [Fact]
    public void The_payload_is_the_little_endian_time_then_filler()
    {
        var payload = new byte[256];
        TickPayload.Initialize(payload);
        TickPayload.Stamp(payload, 0x1122334455667788);
        Assert.Equal([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11], payload[..8]);
        Assert.All(payload[8..], b => Assert.Equal(TickPayload.Filler, b));
        TickPayload.Stamp(payload, 42);
        Assert.Equal(42, BinaryPrimitives.ReadInt64LittleEndian(payload));
        Assert.All(payload[8..], b => Assert.Equal(TickPayload.Filler, b));
    }

    [Fact]
    public void A_buffer_too_short_for_the_timestamp_is_refused()
    {
        Assert.Throws<ArgumentException>(() => TickPayload.Initialize(new byte[7]));
        Assert.Throws<ArgumentException>(() => TickPayload.Stamp(new byte[7], 1));
    }

    [Fact]
    public void The_stopwatch_resolution_is_fine_enough_for_microsecond_latencies()
    {
        Assert.True(Stopwatch.IsHighResolution);
        Assert.True(Stopwatch.Frequency >= 1_000_000);
    }
}
