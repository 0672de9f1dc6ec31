using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Connections;
using ActorWs.Server.Messaging;
using ActorWs.Server.Options;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>
/// The per-turn frame budget of a connection (<see cref="ConnectionActor.FrameBudgetPerTurn"/>), over real sockets: a
/// client flooding tiny frames gets its turn and then waits for the other sockets of its I/O thread, loses nothing and
/// keeps its order; the budget's end falls between frames without breaking a frame, a fragmented message or a close.
/// </summary>
public sealed class InputFairnessTests
{
    private static int Budget => ConnectionActor.FrameBudgetPerTurn;

    /// <summary>One number per server, shared by its connections, taken by every message handled: the order of handling.</summary>
    private sealed class HandlingOrder
    {
        private long _last;

        public long Next() => Interlocked.Increment(ref _last);
    }

    /// <summary>Answers every binary message with its place in the server's handling order (8 bytes) followed by the message.</summary>
    private sealed class StampingHandler(HandlingOrder order) : WebSocketHandler
    {
        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            var reply = new byte[8 + message.Length];
            BinaryPrimitives.WriteInt64LittleEndian(reply, order.Next());
            message.Span.CopyTo(reply.AsSpan(8));
            session.Send(reply, System.Net.WebSockets.WebSocketMessageType.Binary);
        }
    }

    /// <summary>On any message, holds its I/O thread until the gate opens (the other sockets' bytes pile up meanwhile).</summary>
    private sealed class HoldingHandler(ManualResetEventSlim gate, TaskCompletionSource holding) : WebSocketHandler
    {
        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            holding.TrySetResult();
            gate.Wait(TestServer.Wait);
            session.SendText("released");
        }
    }

    /// <summary>
    /// Echoes binary messages; reads its thread's allocation counter at two given messages and answers the text message
    /// "report" with the bytes allocated between them. It runs on the connection's I/O thread, so it sees everything
    /// that thread allocated meanwhile: decoding, delivering, replying and the budget's continuations.
    /// </summary>
    private sealed class AllocationReportingHandler(int from, int to) : WebSocketHandler
    {
        private int _count;
        private long _atFrom;
        private long _atTo;

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            if (message.Type == System.Net.WebSockets.WebSocketMessageType.Text)
            {
                session.SendText((_atTo - _atFrom).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return;
            }
            _count++;
            if (_count == from) _atFrom = GC.GetAllocatedBytesForCurrentThread();
            if (_count == to) _atTo = GC.GetAllocatedBytesForCurrentThread();
            session.Send(message.Span, System.Net.WebSockets.WebSocketMessageType.Binary);
        }
    }

    private static RawClient Open(TestServer server, string route)
    {
        var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade(route);
        return raw;
    }

    /// <summary>Writes what the kernel takes right now without waiting; returns how many bytes that was.</summary>
    private static int WriteWhatFits(Socket socket, byte[] bytes)
    {
        socket.Blocking = false;
        try
        {
            int written = 0;
            while (written < bytes.Length)
            {
                int n = socket.Send(bytes, written, bytes.Length - written, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock) break;
                if (error != SocketError.Success) throw new SocketException((int)error);
                written += n;
            }
            return written;
        }
        finally
        {
            socket.Blocking = true;
        }
    }

    [Fact]
    public async Task AFlooderOnTheCanarysIoThread_GetsNoMoreThanItsTurn_AndEveryFloodMessageIsAnsweredInOrder()
    {
        var order = new HandlingOrder();
        using var gate = new ManualResetEventSlim();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(o => o.IoThreads = 1, s =>
        {
            s.MapRoute("/stamp", () => new StampingHandler(order));
            s.MapRoute("/hold", () => new HoldingHandler(gate, holding));
        });
        using var holder = Open(server, "/hold");
        using var flooder = Open(server, "/stamp");
        using var canary = Open(server, "/stamp");

        // The flood: tiny masked binary frames (10 bytes each), each carrying its index.
        const int floodFrames = 30_000;
        var burst = new List<byte>(floodFrames * 10);
        var index = new byte[4];
        for (int i = 0; i < floodFrames; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(index, i);
            burst.AddRange(RawClient.Frame(WebSocketOpcode.Binary, index));
        }
        byte[] flood = burst.ToArray();
        int frameLength = flood.Length / floodFrames;

        int written;
        try
        {
            // With the only I/O thread held, the flood piles up in the kernel in one go, then the canary's message behind it.
            holder.SendText("hold");
            await holding.Task.WaitAsync(TestServer.Wait);
            written = WriteWhatFits(flooder.Socket, flood);
            canary.SendFrame(WebSocketOpcode.Binary, "canary"u8);
        }
        finally
        {
            gate.Set();
        }
        int aheadOfCanary = written / frameLength; // whole flood frames the server could read before the canary's
        Assert.True(aheadOfCanary > 4 * Budget, $"the kernel took only {aheadOfCanary} flood frames: the test would prove nothing");

        var rest = Task.Run(() => flooder.Send(flood.AsSpan(written)));
        var stamps = new long[floodFrames];
        var reading = Task.Run(() =>
        {
            for (int i = 0; i < floodFrames; i++)
            {
                var frame = flooder.ReadFrame() ?? throw new InvalidOperationException($"the connection ended after {i} answers");
                Assert.Equal(WebSocketOpcode.Binary, frame.Opcode);
                Assert.Equal(12, frame.Payload.Length);
                Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(frame.Payload.AsSpan(8)));
                stamps[i] = BinaryPrimitives.ReadInt64LittleEndian(frame.Payload);
            }
        });

        var answer = canary.ReadFrame();
        Assert.NotNull(answer);
        Assert.Equal("canary", Encoding.ASCII.GetString(answer!.Payload, 8, answer.Payload.Length - 8));
        long canaryStamp = BinaryPrimitives.ReadInt64LittleEndian(answer.Payload);

        await rest.WaitAsync(TestServer.Wait);
        await reading.WaitAsync(TestServer.Wait);
        for (int i = 1; i < floodFrames; i++) Assert.True(stamps[i] > stamps[i - 1], $"flood message {i} was handled before {i - 1}");
        int answeredBeforeCanary = stamps.Count(s => s < canaryStamp);
        // The canary's message came behind the burst, and both sockets' readiness reaches the loop in the same turn: the
        // flooder gets that turn's budget (another at most, should the canary's readiness come one turn late), then waits
        // for the canary. Without the budget the flooder was read for as long as the kernel had its bytes ready.
        Assert.True(answeredBeforeCanary < aheadOfCanary && answeredBeforeCanary <= 2 * Budget,
            $"{answeredBeforeCanary} flood messages were handled before the canary's (of the {aheadOfCanary} sent ahead of it; budget {Budget})");

        Assert.Equal("released", holder.ReadFrame()!.Text);
        flooder.SendClose(WebSocketCloseCode.NormalClosure);
        AssertClosedWith(flooder, WebSocketCloseCode.NormalClosure);
    }

    /// <summary>The server on epoll (one I/O thread) or on the portable transport (the thread pool): both defer the same way.</summary>
    private static Task<TestServer> StartAsync(TransportKind transport) => TestServer.StartAsync(o => o.IoThreads = 1, transport: transport);

    [Theory]
    [InlineData(TransportKind.Auto)]
    [InlineData(TransportKind.Sockets)]
    public async Task ABurstOfSeveralBudgets_IsAnsweredWhole_WithoutTheClientSendingAnythingMore(TransportKind transport)
    {
        // Edge-triggered readiness says nothing about bytes the server has already read: what a turn set aside must be
        // taken up again on its own.
        await using var server = await StartAsync(transport);
        using var raw = Open(server, "/echo");
        int count = 3 * Budget + 1;
        raw.Send(Frames(0, count));
        AssertEchoes(raw, 0, count);
        raw.SendClose(WebSocketCloseCode.NormalClosure);
        AssertClosedWith(raw, WebSocketCloseCode.NormalClosure);
    }

    [Theory]
    [InlineData(TransportKind.Auto)]
    [InlineData(TransportKind.Sockets)]
    public async Task ACloseRightAfterTheBudgetsLastFrame_IsAnsweredAfterEveryMessageBeforeIt(TransportKind transport)
    {
        await using var server = await StartAsync(transport);
        using var raw = Open(server, "/echo");
        raw.Send([.. Frames(0, Budget), .. RawClient.CloseFrame(WebSocketCloseCode.NormalClosure)]);
        AssertEchoes(raw, 0, Budget);
        AssertClosedWith(raw, WebSocketCloseCode.NormalClosure);
    }

    [Theory]
    [InlineData(TransportKind.Auto, 1)]
    [InlineData(TransportKind.Auto, 3)]
    [InlineData(TransportKind.Auto, 7)]
    [InlineData(TransportKind.Sockets, 3)]
    public async Task AFrameSplitRightAfterTheBudgetsLastFrame_IsAnsweredWhole_InItsPlace(TransportKind transport, int bytesInFirstWrite)
    {
        await using var server = await StartAsync(transport);
        using var raw = Open(server, "/echo");
        byte[] split = RawClient.Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Message(Budget)));
        // The budget runs out with the start of the next frame read and buffered; its end comes later, with one more message.
        raw.Send([.. Frames(0, Budget), .. split.AsSpan(0, bytesInFirstWrite)]);
        AssertEchoes(raw, 0, Budget);
        raw.Send([.. split.AsSpan(bytesInFirstWrite), .. Frames(Budget + 1, 1), .. RawClient.CloseFrame(WebSocketCloseCode.NormalClosure)]);
        AssertEchoes(raw, Budget, 2);
        AssertClosedWith(raw, WebSocketCloseCode.NormalClosure);
    }

    [Theory]
    [InlineData(TransportKind.Auto)]
    [InlineData(TransportKind.Sockets)]
    public async Task AFragmentedMessageWhosePingSpendsTheBudget_IsReassembledInTheNextTurn(TransportKind transport)
    {
        await using var server = await StartAsync(transport);
        using var raw = Open(server, "/echo");
        // Budget - 1 messages, then a message in three fragments with a ping after the first: the ping is the budget's last
        // frame, so the turn ends with the message half reassembled.
        raw.Send([
            .. Frames(0, Budget - 1),
            .. RawClient.Frame(WebSocketOpcode.Text, "frag"u8, fin: false),
            .. RawClient.Frame(WebSocketOpcode.Ping, "p"u8),
            .. RawClient.Frame(WebSocketOpcode.Continuation, "ment"u8, fin: false),
            .. RawClient.Frame(WebSocketOpcode.Continuation, "ed"u8),
            .. RawClient.CloseFrame(WebSocketCloseCode.NormalClosure),
        ]);
        AssertEchoes(raw, 0, Budget - 1);
        var pong = raw.ReadFrame();
        Assert.Equal(WebSocketOpcode.Pong, pong!.Opcode);
        Assert.Equal("p", pong.Text);
        var whole = raw.ReadFrame();
        Assert.Equal(WebSocketOpcode.Text, whole!.Opcode);
        Assert.Equal("fragmented", whole.Text);
        AssertClosedWith(raw, WebSocketCloseCode.NormalClosure);
    }

    [Fact]
    public async Task AFloodOfTinyFrames_AllocatesNothingPerMessage_ThroughEveryContinuation()
    {
        // 40,000 one-byte messages in one go: 625 budgets, each ended by a continuation. The first 10,000 warm the path
        // (pools, JIT); the allocations of the I/O thread are read across the next 25,000.
        const int total = 40_000;
        const int from = 10_000;
        const int to = 35_000;
        await using var server = await TestServer.StartAsync(o => o.IoThreads = 1,
            s => s.MapRoute("/alloc", () => new AllocationReportingHandler(from, to)));
        using var raw = Open(server, "/alloc");
        var flood = new List<byte>(total * 7);
        for (int i = 0; i < total; i++) flood.AddRange(RawClient.Frame(WebSocketOpcode.Binary, [(byte)i]));
        var sending = Task.Run(() => raw.Send(flood.ToArray()));
        for (int i = 0; i < total; i++)
        {
            var echo = raw.ReadFrame();
            Assert.NotNull(echo);
            Assert.Equal((byte)i, Assert.Single(echo!.Payload));
        }
        await sending.WaitAsync(TestServer.Wait);
        raw.SendText("report");
        long allocated = long.Parse(raw.ReadFrame()!.Text, System.Globalization.CultureInfo.InvariantCulture);
        // Zero per message, and per continuation (a byte per continuation would already be 390 here); a little slack for
        // what the runtime itself may allocate on the thread once.
        Assert.True(allocated < 256, $"the I/O thread allocated {allocated} bytes over {to - from} messages");
    }

    private static string Message(int n) => "m" + n;

    /// <summary>Text frames "m<paramref name="first"/>" … in one byte array (to be sent in one write).</summary>
    private static byte[] Frames(int first, int count)
    {
        var bytes = new List<byte>();
        for (int i = first; i < first + count; i++) bytes.AddRange(RawClient.Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Message(i))));
        return bytes.ToArray();
    }

    private static void AssertEchoes(RawClient raw, int first, int count)
    {
        for (int i = first; i < first + count; i++)
        {
            var frame = raw.ReadFrame();
            Assert.NotNull(frame);
            Assert.Equal(WebSocketOpcode.Text, frame!.Opcode);
            Assert.Equal(Message(i), frame.Text);
        }
    }

    /// <summary>The next frame is a close with <paramref name="code"/>, then the stream ends.</summary>
    private static void AssertClosedWith(RawClient raw, ushort code)
    {
        var close = raw.ReadFrame();
        Assert.NotNull(close);
        Assert.Equal(WebSocketOpcode.Close, close!.Opcode);
        Assert.Equal(code, close.CloseCode);
        Assert.True(raw.WaitForEndOfStream());
    }
}
