using System.Buffers.Binary;
using ActorWs.Bench.Soak;
using Xunit;

namespace ActorWs.Bench.Tests.Soak;

public class SoakPiecesTests
{
    [Fact]
    public void Metrics_keeps_the_unlabelled_gauges_it_knows()
    {
        var metrics = ServerSample.ParseMetrics("""
            # HELP actorws_connections_open Open connections
            # TYPE actorws_connections_open gauge
            actorws_connections_open 1234
            actorws_sessions_active 17
            actorws_connections_closed_total{code="1000"} 99
            actorws_messages_sent_total 5
            """);
        Assert.Equal(2, metrics.Count);
        Assert.Equal(1234, metrics["actorws_connections_open"]);
        Assert.Equal(17, metrics["actorws_sessions_active"]);
        Assert.Empty(ServerSample.ParseMetrics(null));
    }

    [Fact]
    public void Metrics_keeps_the_gc_heap_gauges_and_pause_counter_and_the_heap_reads_in_kib()
    {
        var metrics = ServerSample.ParseMetrics("""
            actorws_gc_heap_size_bytes 10485760
            actorws_gc_committed_bytes 20971520
            actorws_gc_pause_seconds_total 1.25
            """);
        Assert.Equal(1.25, metrics[ServerSample.GcPauseMetric]);
        Assert.Equal(10_240, new ServerSample(1, 1, 1, 1, metrics).GcHeapKib);
        Assert.Null(new ServerSample(1, 1, 1, 1, new Dictionary<string, double>()).GcHeapKib);
    }

    [Fact]
    public void A_counters_maximum_only_rises()
    {
        var counters = new SoakCounters();
        counters.Max("wait_ms_max", 40);
        counters.Max("wait_ms_max", 10);
        counters.Max("wait_ms_max", 70);
        Assert.Equal(70, counters.Get("wait_ms_max"));
    }

    [Fact]
    public void A_failed_connect_is_described_down_to_its_innermost_cause()
    {
        var ex = new System.Net.WebSockets.WebSocketException("Unable to connect to the remote server",
            new HttpRequestException("An error occurred while sending the request.", new IOException("Connection reset by peer")));
        Assert.Equal("Unable to connect to the remote server: An error occurred while sending the request.: Connection reset by peer", SoakContext.Innermost(ex));
    }

    [Fact]
    public void An_oversized_frame_announces_more_than_the_limit_in_the_64_bit_form_and_is_masked()
    {
        var frame = RawAbuse.BadFrame(SoakClientKind.Oversized, new Random(1), out var description);
        Assert.Equal(0x82, frame[0]);
        Assert.Equal(0x80 | 127, frame[1]);
        Assert.Equal(RawAbuse.OverLimitBytes, BinaryPrimitives.ReadInt64BigEndian(frame.AsSpan(2)));
        Assert.Equal(2 + 8 + 4 + RawAbuse.OversizedBytesWritten, frame.Length);
        Assert.Contains("announcing", description, StringComparison.Ordinal);
        Assert.Equal(1009, RawAbuse.ExpectedCloseCode(SoakClientKind.Oversized));
    }

    [Fact]
    public void A_masked_frame_unmasks_to_its_payload()
    {
        var payload = "hello, server"u8.ToArray();
        var frame = RawAbuse.Frame(0x81, payload, new Random(3));
        Assert.Equal(0x80 | payload.Length, frame[1]);
        var mask = frame.AsSpan(2, 4).ToArray();
        var unmasked = frame.AsSpan(6).ToArray().Select((b, i) => (byte)(b ^ mask[i & 3])).ToArray();
        Assert.Equal(payload, unmasked);
    }

    [Fact]
    public void The_compression_bomb_is_small_on_the_wire_and_marked_compressed()
    {
        var frame = RawAbuse.BadFrame(SoakClientKind.CompressionBomb, new Random(1), out _);
        Assert.Equal(0xC2, frame[0]); // FIN, RSV1 (compressed), binary
        Assert.InRange(frame.Length, 1_000, 100_000);
        Assert.Equal(1009, RawAbuse.ExpectedCloseCode(SoakClientKind.CompressionBomb));
    }

    [Fact]
    public void Every_malformed_frame_breaks_a_rule_of_RFC_6455()
    {
        var random = new Random(5);
        var seen = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            var frame = RawAbuse.BadFrame(SoakClientKind.Malformed, random, out var description);
            seen.Add(description);
            var rsv = frame[0] & 0x70;
            var opcode = frame[0] & 0x0F;
            var fin = (frame[0] & 0x80) != 0;
            var masked = (frame[1] & 0x80) != 0;
            var length = frame[1] & 0x7F;
            var broken = rsv != 0 || opcode is 0x3 || !masked || (opcode == 0x9 && (length > 125 || !fin)) || opcode == 0x0;
            Assert.True(broken, description);
        }

        Assert.Equal(6, seen.Count);
        Assert.Equal(1002, RawAbuse.ExpectedCloseCode(SoakClientKind.Malformed));
    }

    [Fact]
    public void An_echo_is_checked_against_the_number_due()
    {
        var counters = new SoakCounters();
        SimpleClients.CheckEcho(counters, 7, "e7:5", 5);
        SimpleClients.CheckEcho(counters, 7, "e7:4", 6);
        SimpleClients.CheckEcho(counters, 7, "e7:9", 6);
        SimpleClients.CheckEcho(counters, 7, "e8:6", 6);
        Assert.Equal(1, counters.Get("echo.messages_checked"));
        Assert.Equal(1, counters.Problems("duplicate_or_reorder"));
        Assert.Equal(3, counters.Problems("loss"));
        Assert.Equal(1, counters.Problems("corrupt"));
    }

    [Fact]
    public void Counters_keep_a_few_examples_of_each_problem()
    {
        var counters = new SoakCounters();
        for (var i = 0; i < 20; i++)
        {
            counters.Problem("loss", $"gap {i}");
        }

        var (kind, count, details) = Assert.Single(counters.AllProblems);
        Assert.Equal("loss", kind);
        Assert.Equal(20, count);
        Assert.Equal(SoakCounters.KeptDetails, details.Count);
        Assert.Equal("gap 0", details[0]);
    }
}
