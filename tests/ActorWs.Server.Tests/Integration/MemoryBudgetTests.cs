using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// The server-wide memory budget (<c>server.limits.memory-budget</c>): clients holding partial large messages past it
/// are refused, the greediest first, with 1013; new upgrades get 503 while it is exhausted; small traffic goes on; and the
/// inflation of compressed messages is bounded by a ratio (1009).
/// </summary>
public sealed partial class MemoryBudgetTests
{
    private const int Budget = 1024 * 1024;

    /// <summary>Memory given back, counted instead of collected (see <see cref="StartAsync"/>).</summary>
    private int _givenBack;

    /// <summary>
    /// A test server whose "give memory back" step is counted instead of run: a blocking full collection would stall every
    /// test running alongside in this process (timing tests among them). The manual run in README measures the real one.
    /// </summary>
    private Task<TestServer> StartAsync(Action<Options.ServerOptions> options, bool fakeTime = false) =>
        TestServer.StartAsync(options, configure: s => s.GiveBackMemory = log => Interlocked.Increment(ref _givenBack), fakeTime: fakeTime);

    /// <summary>What a holder of <paramref name="bytes"/> is charged: the part beyond its free allowance.</summary>
    private static long Charge(int bytes) => bytes - 64 * 1024;

    /// <summary>
    /// Opens a WebSocket on /echo and sends the first <paramref name="sent"/> bytes of a binary frame announcing
    /// <paramref name="length"/> bytes: the server reserves room for the whole announced frame and holds it.
    /// </summary>
    internal static RawClient HoldPartialMessage(TestServer server, int length, int sent)
    {
        var client = RawClient.Connect(server.EndPoint);
        client.Upgrade("/echo");
        var frame = RawClient.Frame(WebSocketOpcode.Binary, new byte[length]);
        client.Send(frame.AsSpan(0, sent));
        return client;
    }

    internal static async Task<string> MetricsAsync(TestServer server)
    {
        using var http = new HttpClient { Timeout = TestServer.Wait };
        return await http.GetStringAsync(server.HttpUri("/metrics"));
    }

    /// <summary>
    /// Whether /metrics has the line <c>name value</c>. Every server in the test process shares the meter's name, so
    /// another test's server may add its own line for the same metric: a value is looked for, not the first line.
    /// </summary>
    internal static bool HasMetric(string metrics, string name, long value) =>
        Regex.IsMatch(metrics, "^" + Regex.Escape(name) + " " + value.ToString(CultureInfo.InvariantCulture) + "$", RegexOptions.Multiline);

    internal static MemoryBudget BudgetOf(TestServer server) => server.Server.MemoryBudget!;

    /// <summary>Waits (bounded by <see cref="TestServer.Wait"/>) until <paramref name="condition"/> holds for the server's budget.</summary>
    internal static async Task WaitForBudgetAsync(TestServer server, Func<MemoryBudget, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestServer.Wait;
        var budget = BudgetOf(server);
        while (!condition(budget))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} never came: {budget.Used} bytes used, exhausted {budget.IsExhausted}, {budget.Reclaims} reclaims");
            await Task.Delay(10);
        }
    }

    internal static Task WaitForUseAsync(TestServer server, long used) => WaitForBudgetAsync(server, b => b.Used == used, $"a use of {used} bytes");

    /// <summary>Sends an upgrade request and reads the answer's status and body.</summary>
    private static RawHttpResponse TryUpgrade(TestServer server, out RawClient client)
    {
        client = RawClient.Connect(server.EndPoint);
        client.Send(RawClient.UpgradeRequest("/echo"));
        return client.ReadHttpResponse();
    }

    internal static async Task AssertEchoesAsync(System.Net.WebSockets.ClientWebSocket healthy, string text)
    {
        await EchoTests.SendTextAsync(healthy, text);
        Assert.Equal(text, await EchoTests.ReceiveTextAsync(healthy));
    }

    [Fact]
    public async Task PartialMessagesPastTheBudget_AreRefusedWith1013_UpgradesGet503UntilUseFalls_AndSmallEchoesGoOn()
    {
        const int Length = 256 * 1024;
        await using var server = await StartAsync(o => o.Limits.MemoryBudget = Budget);
        using var healthy = await server.ConnectAsync("/echo");
        var holders = new List<RawClient>();
        try
        {
            // Five partial messages of 256 KiB fit in 1 MiB (each is charged 192 KiB beyond its free 64 KiB).
            for (int i = 1; i <= 5; i++)
            {
                holders.Add(HoldPartialMessage(server, Length, 100 * 1024));
                await WaitForUseAsync(server, i * Charge(Length));
            }
            var metrics = await MetricsAsync(server);
            Assert.True(HasMetric(metrics, "actorws_memory_budget_limit_bytes", Budget), metrics);
            Assert.True(HasMetric(metrics, "actorws_memory_budget_used_bytes", 5 * Charge(Length)), metrics);
            Assert.False(BudgetOf(server).IsExhausted);

            // Two more WebSockets open; each then starts a message as large as the others': neither fits, and neither holds
            // less than those already held, so each is refused, with 1013.
            using var sixth = RawClient.Connect(server.EndPoint);
            sixth.Upgrade("/echo");
            using var seventh = RawClient.Connect(server.EndPoint);
            seventh.Upgrade("/echo");
            var frame = RawClient.Frame(WebSocketOpcode.Binary, new byte[Length]);
            sixth.Send(frame.AsSpan(0, 100 * 1024));
            var close = sixth.ReadUntilClose();
            Assert.Equal(WebSocketCloseCode.TryAgainLater, close!.CloseCode);
            Assert.Equal("server memory budget exhausted; try again later", close.CloseReason);
            seventh.Send(frame.AsSpan(0, 100 * 1024));
            Assert.Equal(WebSocketCloseCode.TryAgainLater, seventh.ReadUntilClose()!.CloseCode);

            // While the budget is exhausted: a new upgrade gets 503 with a reason; the healthy client is served as before.
            var refused = TryUpgrade(server, out var late);
            late.Dispose();
            Assert.Equal(503, refused.Status);
            Assert.Equal("5", refused.Headers["Retry-After"]);
            Assert.Contains("server memory budget exhausted", refused.Body, StringComparison.Ordinal);
            await AssertEchoesAsync(healthy, "still served");
            metrics = await MetricsAsync(server);
            Assert.True(BudgetOf(server).IsExhausted);
            Assert.Equal(5 * Charge(Length), BudgetOf(server).Used);
            Assert.True(HasMetric(metrics, "actorws_memory_budget_exhausted", 1), metrics);
            Assert.True(HasMetric(metrics, "actorws_memory_budget_refusals_total", 2), metrics);

            // One holder goes: the use falls below 90 % of the budget, the episode ends, upgrades work again.
            holders[0].Dispose();
            await WaitForBudgetAsync(server, b => !b.IsExhausted, "the end of the episode");
            Assert.Equal(4 * Charge(Length), BudgetOf(server).Used);
            var accepted = TryUpgrade(server, out var again);
            again.Dispose();
            Assert.Equal(101, accepted.Status);
            await AssertEchoesAsync(healthy, "and after");

            // One warning for the episode, not one per refused connection; one line when it ended.
            var warning = Assert.Single(server.Logs.GetSnapshot(), r => r.Id.Id == 40);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains("Memory budget of 1048576 bytes exhausted", warning.Message, StringComparison.Ordinal);
            var ended = Assert.Single(server.Logs.GetSnapshot(), r => r.Id.Id == 41);
            Assert.Contains("2 connections were refused", ended.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var holder in holders) holder.Dispose();
        }
    }

    [Fact]
    public async Task TheGreediestHolder_IsClosedWith1013_ToMakeRoomForASmallerMessage_WhichCompletesAndIsEchoed()
    {
        // Sizes are powers of two: buffers up to 1 MiB come from the shared pool, which rounds up to one, and are charged
        // at their real length.
        await using var server = await StartAsync(o => o.Limits.MemoryBudget = 960 * 1024);
        using var healthy = await server.ConnectAsync("/echo");
        // The greedy one announces 512 KiB (448 KiB charged), two others 256 KiB each (192 KiB): 832 KiB of 960.
        using var greedy = HoldPartialMessage(server, 512 * 1024, 100 * 1024);
        await WaitForUseAsync(server, Charge(512 * 1024));
        using var second = HoldPartialMessage(server, 256 * 1024, 100 * 1024);
        using var third = HoldPartialMessage(server, 256 * 1024, 100 * 1024);
        await WaitForUseAsync(server, Charge(512 * 1024) + 2 * Charge(256 * 1024));

        // A fourth 256 KiB message does not fit; the greedy connection holds more than it would, so the greedy one goes.
        var payload = new byte[256 * 1024];
        new Random(5).NextBytes(payload);
        using var fourth = RawClient.Connect(server.EndPoint);
        fourth.Upgrade("/echo");
        var frame = RawClient.Frame(WebSocketOpcode.Binary, payload);
        fourth.Send(frame.AsSpan(0, 100 * 1024));
        var close = greedy.ReadUntilClose();
        Assert.Equal(WebSocketCloseCode.TryAgainLater, close!.CloseCode);
        await WaitForUseAsync(server, 3 * Charge(256 * 1024));

        // The fourth finishes its message and gets it back whole; the others still hold theirs; the healthy client never noticed.
        fourth.Send(frame.AsSpan(100 * 1024));
        var echoed = fourth.ReadFrame();
        Assert.Equal(WebSocketOpcode.Binary, echoed!.Opcode);
        Assert.Equal(payload, echoed.Payload);
        await AssertEchoesAsync(healthy, "unaffected");
        Assert.Equal(1, BudgetOf(server).Evictions);
        Assert.Equal(0, BudgetOf(server).Refusals);
        Assert.True(HasMetric(await MetricsAsync(server), "actorws_memory_budget_refusals_total", 1));
    }

    [Fact]
    public async Task AfterAPeakOfHeldMemory_TheServerGivesMemoryBack_Once()
    {
        await using var server = await StartAsync(o => o.Limits.MemoryBudget = Budget, fakeTime: true);
        using var healthy = await server.ConnectAsync("/echo");
        using (var holder = HoldPartialMessage(server, 512 * 1024, 100 * 1024))
        {
            await WaitForUseAsync(server, Charge(512 * 1024));
            // While the memory is held, housekeeping gives nothing back.
            await server.AdvanceAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(0, BudgetOf(server).Reclaims);
        }
        await WaitForUseAsync(server, 0);
        await server.AdvanceAsync(server.Server.Options.TimerResolution);
        await WaitForBudgetAsync(server, b => b.Reclaims == 1, "a reclaim");
        Assert.Equal(1, Volatile.Read(ref _givenBack));
        // The peak is spent: later housekeeping does not collect again.
        await server.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(1, BudgetOf(server).Reclaims);
        Assert.True(HasMetric(await MetricsAsync(server), "actorws_memory_reclaims_total", 1));

        // A second peak soon after waits for the 30 s between collections, then is given back too.
        using (var again = HoldPartialMessage(server, 512 * 1024, 100 * 1024))
            await WaitForUseAsync(server, Charge(512 * 1024));
        await WaitForUseAsync(server, 0);
        await server.AdvanceAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, BudgetOf(server).Reclaims);
        await server.AdvanceAsync(TimeSpan.FromSeconds(10));
        await WaitForBudgetAsync(server, b => b.Reclaims == 2, "the second reclaim");
        Assert.Equal(2, Volatile.Read(ref _givenBack));
        await AssertEchoesAsync(healthy, "still here");
    }

    [Fact]
    public async Task ALargeReplyTheClientDoesNotRead_IsChargedUntilItIsSent_AndTheReassemblyBufferIsNotKept()
    {
        const int Length = 12 * 1024 * 1024;
        await using var server = await StartAsync(o => o.Limits.MemoryBudget = 64L * 1024 * 1024);
        using var healthy = await server.ConnectAsync("/echo");
        using var client = RawClient.Connect(server.EndPoint, receiveBufferSize: 4096);
        client.Upgrade("/echo");
        var payload = new byte[Length];
        new Random(3).NextBytes(payload);
        client.SendFrame(WebSocketOpcode.Binary, payload);

        // The echo cannot all go to a client that reads nothing: the waiting reply (a 10-byte header and the payload) is
        // charged, and only it: the message's reassembly buffer and its copy for the session have been given back.
        await WaitForUseAsync(server, Length + 10 - 64 * 1024);
        await AssertEchoesAsync(healthy, "unaffected");

        // Once the client reads it, the charge goes.
        var echoed = client.ReadFrame();
        Assert.Equal(payload, echoed!.Payload);
        await WaitForUseAsync(server, 0);
    }

    [Fact]
    public async Task AReplyTheBudgetCannotHold_IsStillSent_ThenTheConnectionIsClosedWith1013()
    {
        // One partial message holds 192 KiB. A 512 KiB message (its reassembly buffer) and its copy for the session then
        // fill the budget exactly; its echo (10 bytes of header more than the message) would pass it, so it is refused.
        const int Length = 512 * 1024;
        await using var server = await StartAsync(o => o.Limits.MemoryBudget = Charge(256 * 1024) + Charge(2 * Length));
        using var healthy = await server.ConnectAsync("/echo");
        using var holder = HoldPartialMessage(server, 256 * 1024, 100 * 1024);
        await WaitForUseAsync(server, Charge(256 * 1024));
        using var client = RawClient.Connect(server.EndPoint);
        client.Upgrade("/echo");
        var payload = new byte[Length];
        new Random(9).NextBytes(payload);
        client.SendFrame(WebSocketOpcode.Binary, payload);

        // The message arrived whole, so it is answered; then the close.
        var echoed = client.ReadFrame();
        Assert.Equal(WebSocketOpcode.Binary, echoed!.Opcode);
        Assert.Equal(payload, echoed.Payload);
        var close = client.ReadUntilClose();
        Assert.Equal(WebSocketCloseCode.TryAgainLater, close!.CloseCode);
        Assert.Equal(1, BudgetOf(server).Refusals);
        await AssertEchoesAsync(healthy, "unaffected");
        await WaitForUseAsync(server, Charge(256 * 1024));
    }

    private static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: false, threshold: 0, skipWhenNoGain: false);
        var output = new ArrayBufferWriter<byte>();
        Assert.True(compressor.Compress(data, output).IsCompressed);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public async Task ACompressionBomb_PastTheInflationRatio_IsClosedWith1009_WhileAnOrdinaryCompressedMessageIsEchoed()
    {
        await using var server = await StartAsync(_ => { });
        using var healthy = await server.ConnectAsync("/echo");
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n");

        // Ordinary text, about 10× smaller compressed: inflated and echoed (the reply is compressed, so only its close is read below).
        string json = "[" + string.Join(",", Enumerable.Range(0, 3000).Select(i => $"{{\"player\":{i},\"x\":{i * 3},\"state\":\"running\"}}")) + "]";
        byte[] ordinary = Deflate(Encoding.UTF8.GetBytes(json));
        Assert.True(ordinary.Length * 100 > json.Length);
        raw.SendFrame(WebSocketOpcode.Text, ordinary, rsv1: true);

        // 15 MiB of zeros in about 15 KB: within the 16 MiB message limit, but a thousand times its size.
        byte[] bomb = Deflate(new byte[15 * 1024 * 1024]);
        Assert.True(bomb.Length * 100 < 15 * 1024 * 1024);
        raw.SendFrame(WebSocketOpcode.Binary, bomb, rsv1: true);

        var close = ReadCloseSkippingCompressed(raw);
        Assert.Equal(WebSocketCloseCode.MessageTooBig, close.Code);
        Assert.Equal("compressed message inflates more than 100 times its size", close.Reason);
        await AssertEchoesAsync(healthy, "fine");
        // The ordinary message was answered before the close.
        Assert.True(close.FramesBefore >= 1, "the ordinary compressed message was not echoed before the close");
    }

    /// <summary>
    /// Reads server frames by hand (the test's frame reader refuses RSV1) until the Close frame: its code, reason, and how
    /// many data frames came before it.
    /// </summary>
    private static (ushort Code, string Reason, int FramesBefore) ReadCloseSkippingCompressed(RawClient raw)
    {
        byte[] Read(int n)
        {
            var buffer = new byte[n];
            int got = 0;
            while (got < n)
            {
                int r = raw.Socket.Receive(buffer, got, n - got, System.Net.Sockets.SocketFlags.None);
                if (r == 0) throw new IOException("closed before a close frame");
                got += r;
            }
            return buffer;
        }
        int frames = 0;
        while (true)
        {
            var head = Read(2);
            long length = head[1] & 0x7F;
            if (length == 126) { var ext = Read(2); length = (ext[0] << 8) | ext[1]; }
            else if (length == 127) { var ext = Read(8); length = 0; foreach (var b in ext) length = (length << 8) | b; }
            var payload = Read((int)length);
            if ((head[0] & 0x0F) == (int)WebSocketOpcode.Close)
                return ((ushort)((payload[0] << 8) | payload[1]), Encoding.UTF8.GetString(payload, 2, payload.Length - 2), frames);
            frames++;
        }
    }
}
