using System.Globalization;
using ActorWs.Bench.LoadGeneration;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ActorWs.Bench.Tests.LoadGeneration;

public class LoadGenRecordTests
{
    [Fact]
    public void A_result_line_gives_its_event_and_fields()
    {
        var record = LoadGenRecord.Parse("result mode=tick clients=100 deliveries_per_sec=2994.2 latency_p99_us=812.3 gaps=0");
        Assert.NotNull(record);
        Assert.Equal(LoadGenRecord.Result, record.Event);
        Assert.Equal("tick", record.Fields["mode"]);
        Assert.Equal(2994.2, record.Number("deliveries_per_sec"));
        Assert.Equal(0, record.Number("gaps"));
        Assert.Null(record.Number("mode"));
        Assert.Null(record.Number("absent"));
    }

    [Fact]
    public void Bare_events_have_no_fields_and_blank_lines_are_no_record()
    {
        var record = LoadGenRecord.Parse("measure_start");
        Assert.NotNull(record);
        Assert.Equal(LoadGenRecord.MeasureStart, record.Event);
        Assert.Empty(record.Fields);
        Assert.Null(LoadGenRecord.Parse(string.Empty));
        Assert.Null(LoadGenRecord.Parse("   "));
    }

    [Fact]
    public void Words_without_a_key_are_ignored_and_a_repeated_key_keeps_its_last_value()
    {
        var record = LoadGenRecord.Parse("joined  clients=100 loose =nokey room=bench-tick-1 room=x=y");
        Assert.NotNull(record);
        Assert.Equal(["clients", "room"], record.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("x=y", record.Fields["room"]);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("inf")]
    [InlineData("-inf")]
    [InlineData("12abc")]
    [InlineData("")]
    public void Non_finite_or_malformed_numbers_read_as_absent(string text)
    {
        var record = LoadGenRecord.Parse($"result value={text}");
        Assert.NotNull(record);
        Assert.Null(record.Number("value"));
    }

    [Fact]
    public void Sum_treats_absent_fields_as_zero()
    {
        var record = LoadGenRecord.Parse("result err_connect=2 err_closed=3 gaps=nan")!;
        Assert.Equal(5, record.Sum("err_connect", "err_closed", "gaps", "missing"));
    }

    [Fact]
    public void Any_finite_number_the_generator_prints_reads_back()
    {
        Prop.ForAll<NormalFloat>(value =>
        {
            var text = value.Get.ToString("R", CultureInfo.InvariantCulture);
            var record = LoadGenRecord.Parse($"result x={text}");
            return record?.Number("x") == value.Get;
        }).QuickCheckThrowOnFailure();
    }
}
