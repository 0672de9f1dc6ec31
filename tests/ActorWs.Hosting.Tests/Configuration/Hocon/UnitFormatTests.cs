using ActorWs.Hosting.Configuration.Hocon;
using FsCheck;
using FsCheck.Fluent;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>The spec's "Duration format" and "Size in bytes format" unit tables.</summary>
public sealed class UnitFormatTests
{
    [Theory]
    [InlineData("ns", 1L)]
    [InlineData("nanosecond", 1L)]
    [InlineData("nanoseconds", 1L)]
    [InlineData("us", 1_000L)]
    [InlineData("microsecond", 1_000L)]
    [InlineData("microseconds", 1_000L)]
    [InlineData("ms", 1_000_000L)]
    [InlineData("millisecond", 1_000_000L)]
    [InlineData("milliseconds", 1_000_000L)]
    [InlineData("s", 1_000_000_000L)]
    [InlineData("second", 1_000_000_000L)]
    [InlineData("seconds", 1_000_000_000L)]
    [InlineData("m", 60_000_000_000L)]
    [InlineData("minute", 60_000_000_000L)]
    [InlineData("minutes", 60_000_000_000L)]
    [InlineData("h", 3_600_000_000_000L)]
    [InlineData("hour", 3_600_000_000_000L)]
    [InlineData("hours", 3_600_000_000_000L)]
    [InlineData("d", 86_400_000_000_000L)]
    [InlineData("day", 86_400_000_000_000L)]
    [InlineData("days", 86_400_000_000_000L)]
    public void Every_duration_unit_of_the_spec(string unit, long nanoseconds)
    {
        Assert.Equal(TimeSpan.FromTicks(1000 * nanoseconds / 100), HoconDuration.Parse("1000" + unit));
        Assert.Equal(TimeSpan.FromTicks(1000 * nanoseconds / 100), HoconDuration.Parse(" 1000 " + unit + " "));
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2 minutes", 120_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250", 250)]
    [InlineData("0", 0)]
    [InlineData("-5s", -5_000)]
    [InlineData("1e3ms", 1_000)]
    public void Durations_from_the_issue_and_bare_numbers_in_milliseconds(string text, double milliseconds)
        => Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), HoconDuration.Parse(text));

    [Fact]
    public void Durations_finer_than_a_tick_are_truncated()
    {
        Assert.Equal(TimeSpan.Zero, HoconDuration.Parse("50ns"));
        Assert.Equal(TimeSpan.FromTicks(1), HoconDuration.Parse("199ns"));
    }

    [Theory]
    [InlineData("10S", "unknown unit \"S\"")]
    [InlineData("10 parsecs", "unknown unit \"parsecs\"")]
    [InlineData("10 Seconds", "unknown unit \"Seconds\"")]
    [InlineData("", "it is empty")]
    [InlineData("s", "it does not start with a number")]
    [InlineData("ten seconds", "it does not start with a number")]
    [InlineData("10 s x", "must consist of letters only")]
    [InlineData("99999999999999999 days", "too large")]
    public void Invalid_durations_say_why(string text, string problem)
    {
        Assert.False(HoconDuration.TryParse(text, out _, out var reason));
        Assert.Contains(problem, reason, StringComparison.Ordinal);
        var error = Assert.Throws<FormatException>(() => HoconDuration.Parse(text));
        Assert.StartsWith($"\"{text}\" is not a duration: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("B", 1L)]
    [InlineData("b", 1L)]
    [InlineData("byte", 1L)]
    [InlineData("bytes", 1L)]
    [InlineData("kB", 1_000L)]
    [InlineData("kilobyte", 1_000L)]
    [InlineData("kilobytes", 1_000L)]
    [InlineData("MB", 1_000_000L)]
    [InlineData("megabyte", 1_000_000L)]
    [InlineData("megabytes", 1_000_000L)]
    [InlineData("GB", 1_000_000_000L)]
    [InlineData("gigabyte", 1_000_000_000L)]
    [InlineData("gigabytes", 1_000_000_000L)]
    [InlineData("TB", 1_000_000_000_000L)]
    [InlineData("terabyte", 1_000_000_000_000L)]
    [InlineData("terabytes", 1_000_000_000_000L)]
    [InlineData("PB", 1_000_000_000_000_000L)]
    [InlineData("petabyte", 1_000_000_000_000_000L)]
    [InlineData("petabytes", 1_000_000_000_000_000L)]
    [InlineData("EB", 1_000_000_000_000_000_000L)]
    [InlineData("exabyte", 1_000_000_000_000_000_000L)]
    [InlineData("exabytes", 1_000_000_000_000_000_000L)]
    [InlineData("K", 1L << 10)]
    [InlineData("k", 1L << 10)]
    [InlineData("Ki", 1L << 10)]
    [InlineData("KiB", 1L << 10)]
    [InlineData("kibibyte", 1L << 10)]
    [InlineData("kibibytes", 1L << 10)]
    [InlineData("M", 1L << 20)]
    [InlineData("m", 1L << 20)]
    [InlineData("Mi", 1L << 20)]
    [InlineData("MiB", 1L << 20)]
    [InlineData("mebibyte", 1L << 20)]
    [InlineData("mebibytes", 1L << 20)]
    [InlineData("G", 1L << 30)]
    [InlineData("g", 1L << 30)]
    [InlineData("Gi", 1L << 30)]
    [InlineData("GiB", 1L << 30)]
    [InlineData("gibibyte", 1L << 30)]
    [InlineData("gibibytes", 1L << 30)]
    [InlineData("T", 1L << 40)]
    [InlineData("t", 1L << 40)]
    [InlineData("Ti", 1L << 40)]
    [InlineData("TiB", 1L << 40)]
    [InlineData("tebibyte", 1L << 40)]
    [InlineData("tebibytes", 1L << 40)]
    [InlineData("P", 1L << 50)]
    [InlineData("p", 1L << 50)]
    [InlineData("Pi", 1L << 50)]
    [InlineData("PiB", 1L << 50)]
    [InlineData("pebibyte", 1L << 50)]
    [InlineData("pebibytes", 1L << 50)]
    [InlineData("E", 1L << 60)]
    [InlineData("e", 1L << 60)]
    [InlineData("Ei", 1L << 60)]
    [InlineData("EiB", 1L << 60)]
    [InlineData("exbibyte", 1L << 60)]
    [InlineData("exbibytes", 1L << 60)]
    public void Every_size_unit_of_the_spec(string unit, long bytes)
    {
        Assert.Equal(bytes, ByteSize.Parse("1" + unit));
        Assert.Equal(bytes, ByteSize.Parse("1 " + unit));
    }

    [Theory]
    [InlineData("ZB")]
    [InlineData("zettabytes")]
    [InlineData("YB")]
    [InlineData("yottabyte")]
    [InlineData("Z")]
    [InlineData("ZiB")]
    [InlineData("zebibytes")]
    [InlineData("Y")]
    [InlineData("YiB")]
    [InlineData("yobibyte")]
    public void Units_beyond_a_long_are_recognised_but_too_large(string unit)
    {
        Assert.False(ByteSize.TryParse("1" + unit, out _, out var problem));
        Assert.Contains("larger than the largest supported size", problem, StringComparison.Ordinal);
        Assert.Equal(0, ByteSize.Parse("0" + unit));
    }

    [Theory]
    [InlineData("64KiB", 65_536L)]
    [InlineData("1MiB", 1_048_576L)]
    [InlineData("1.5MiB", 1_572_864L)]
    [InlineData("512", 512L)]
    [InlineData("10 MB", 10_000_000L)]
    [InlineData("0.5B", 0L)]
    public void Sizes_from_the_issue_and_bare_numbers_in_bytes(string text, long bytes)
        => Assert.Equal(bytes, ByteSize.Parse(text));

    [Theory]
    [InlineData("64 kb", "unknown unit \"kb\"")]
    [InlineData("1 KB", "unknown unit \"KB\"")]
    [InlineData("-1KiB", "cannot be negative")]
    [InlineData("KiB", "it does not start with a number")]
    [InlineData("9EiB", "larger than the largest supported size")]
    public void Invalid_sizes_say_why(string text, string problem)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var reason));
        Assert.Contains(problem, reason, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ByteSize.Parse(text));
    }

    [Fact]
    public void Formatting_then_parsing_gives_the_same_duration()
        => Prop.ForAll<long>(ticks => HoconDuration.Parse(HoconDuration.Format(TimeSpan.FromTicks(ticks))) == TimeSpan.FromTicks(ticks)).QuickCheckThrowOnFailure();

    [Fact]
    public void Formatting_then_parsing_gives_the_same_size()
        => Prop.ForAll<long>(value =>
        {
            var bytes = value == long.MinValue ? long.MaxValue : Math.Abs(value);
            return ByteSize.Parse(ByteSize.Format(bytes)) == bytes;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Format_picks_the_largest_exact_unit()
    {
        Assert.Equal("10s", HoconDuration.Format(TimeSpan.FromSeconds(10)));
        Assert.Equal("1500ms", HoconDuration.Format(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("2m", HoconDuration.Format(TimeSpan.FromMinutes(2)));
        Assert.Equal("64KiB", ByteSize.Format(65_536));
        Assert.Equal("1000B", ByteSize.Format(1000));
    }
}
