using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// RFC 6455 §5.1 and §7.1.7: every message that arrived whole before a protocol error (or before the client's close) is
/// answered, then the connection fails with 1002 (or the close is echoed); on ordinary routes, where the session runs in
/// the connection actor, and on resumable ones, where a session actor answers; bounded by the close timeout.
/// </summary>
public sealed class AnsweredBeforeCloseTests
{
    /// <summary>The frames that break the protocol right behind a valid message, by name (xUnit shows the name).</summary>
    private static byte[] BadFrame(string kind) => kind switch
    {
        "rsv1" => RawClient.RawFrame(0x80 | 0x40 | (byte)WebSocketOpcode.Text), // no extension negotiated RSV1
        "rsv2" => RawClient.RawFrame(0x80 | 0x20 | (byte)WebSocketOpcode.Text),
        "rsv3" => RawClient.RawFrame(0x80 | 0x10 | (byte)WebSocketOpcode.Binary),
        "opcode 3" => RawClient.RawFrame(0x80 | 0x3),
        "opcode 7" => RawClient.RawFrame(0x80 | 0x7),
        "opcode 11" => RawClient.RawFrame(0x80 | 0xB),
        "opcode 15" => RawClient.RawFrame(0x80 | 0xF),
        "orphan continuation" => RawClient.Frame(WebSocketOpcode.Continuation, "x"u8), // no message in progress
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>On /ws a JSON ping whose reply carries its ref; on /echo any text, which comes back as it is.</summary>
    private static string Request(string route, int n, int padding = 0) =>
        route == "/ws"
            ? $"{{\"op\":\"ping\",\"ref\":{n}{(padding > 0 ? ",\"pad\":\"" + new string('p', padding) + "\"" : "")}}}"
            : $"message {n}" + new string('p', padding);

    /// <summary>Asserts the next frame answers request <paramref name="n"/>.</summary>
    private static void AssertAnswers(RawClient raw, string route, int n, int padding = 0)
    {
        var frame = raw.ReadFrame();
        Assert.NotNull(frame);
        Assert.Equal(WebSocketOpcode.Text, frame!.Opcode);
        if (route == "/echo")
        {
            Assert.Equal(Request(route, n, padding), frame.Text);
            return;
        }
        using var reply = JsonDocument.Parse(frame.Payload);
        Assert.Equal("reply", reply.RootElement.GetProperty("op").GetString());
        Assert.Equal(n, reply.RootElement.GetProperty("ref").GetInt32());
    }

    /// <summary>Opens a raw WebSocket on <paramref name="route"/>; on /ws reads the welcome first.</summary>
    private static RawClient Open(TestServer server, string route)
    {
        var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade(route);
        if (route == "/ws") Assert.Contains("\"welcome\"", raw.ReadFrame()!.Text);
        return raw;
    }

    [Theory]
    [InlineData("/ws", "rsv1")]
    [InlineData("/ws", "rsv2")]
    [InlineData("/ws", "rsv3")]
    [InlineData("/ws", "opcode 3")]
    [InlineData("/ws", "opcode 7")]
    [InlineData("/ws", "opcode 11")]
    [InlineData("/ws", "opcode 15")]
    [InlineData("/ws", "orphan continuation")]
    [InlineData("/echo", "rsv1")]
    [InlineData("/echo", "opcode 3")]
    [InlineData("/echo", "opcode 11")]
    [InlineData("/echo", "orphan continuation")]
    public async Task MessagesFollowedByABadFrame_InOneSegment_AreAnswered_ThenTheConnectionFailsWith1002(string route, string badFrame)
    {
        await using var server = await TestServer.StartAsync();
        using var raw = Open(server, route);
        // Three whole messages and the bad frame, written with one send: one TCP segment on loopback.
        raw.Send(RawClient.Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Request(route, 1)))
            .Concat(RawClient.Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Request(route, 2))))
            .Concat(RawClient.Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Request(route, 3))))
            .Concat(BadFrame(badFrame)).ToArray());
        for (int n = 1; n <= 3; n++) AssertAnswers(raw, route, n);
        AssertClosedWith(raw, WebSocketCloseCode.ProtocolError);
    }

    [Theory]
    [InlineData("/ws")]
    [InlineData("/echo")]
    public async Task ALargeMessage_ASmallOne_AndAClose_BackToBack_AreBothAnswered_ThenTheCloseIsEchoed(string route)
    {
        const int LargePadding = 512 * 1024; // many reads' worth: the close comes in a later read than the first message starts
        await using var server = await TestServer.StartAsync();
        using var raw = Open(server, route);
        raw.Send(RawClient.Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Request(route, 1, LargePadding)))
            .Concat(RawClient.Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Request(route, 2))))
            .Concat(RawClient.CloseFrame(WebSocketCloseCode.NormalClosure)).ToArray());
        AssertAnswers(raw, route, 1, LargePadding);
        AssertAnswers(raw, route, 2);
        AssertClosedWith(raw, WebSocketCloseCode.NormalClosure);
    }

    /// <summary>
    /// Answers a text message after as many (scheduler) seconds as it says, or never ("never"); counts each message it
    /// gets on <paramref name="received"/>, so a test moves virtual time only once the server has read what it sent.
    /// </summary>
    private sealed class LateHandler(SemaphoreSlim received) : WebSocketHandler
    {
        private sealed record AnswerNow(WebSocketMessage Message);

        private readonly List<WebSocketMessage> _neverAnswered = new();

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            // The detached copy keeps the message in flight (counted by the connection) until it is released.
            var kept = message.Detach();
            string text = kept.GetText();
            received.Release();
            if (text == "never")
            {
                _neverAnswered.Add(kept);
                return;
            }
            session.Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(int.Parse(text)), session.Self, new AnswerNow(kept), session.Self);
        }

        public override bool OnActorMessage(IWebSocketSession session, object message)
        {
            if (message is not AnswerNow answer) return false;
            session.SendText("answer to " + answer.Message.GetText());
            answer.Message.Release();
            return true;
        }
    }

    /// <summary>A server on virtual time with the /late route; the handlers count what they get on <paramref name="received"/>.</summary>
    private static async Task<TestServer> StartWithLateRoute(SemaphoreSlim received) =>
        await TestServer.StartAsync(configure: s => s.MapRoute("/late", () => new LateHandler(received)).Resumable = true, fakeTime: true);

    /// <summary>The next frame is a close with <paramref name="code"/>, and then the server ends the connection.</summary>
    private static void AssertClosedWith(RawClient raw, ushort code)
    {
        var close = raw.ReadFrame();
        Assert.NotNull(close);
        Assert.Equal(WebSocketOpcode.Close, close!.Opcode);
        Assert.Equal(code, close.CloseCode);
        Assert.True(raw.WaitForEndOfStream());
    }

    /// <summary>Waits (bounded) until the handler has the message: the frames sent with it have been read too.</summary>
    private static void AwaitReceipt(SemaphoreSlim received) =>
        Assert.True(received.Wait(TestServer.Wait), "the handler never got the message");

    /// <summary>Nothing arrives within a short real-time window (the server has had its chance to send).</summary>
    private static void AssertNothingYet(RawClient raw) =>
        Assert.False(raw.Socket.Poll(200_000, SelectMode.SelectRead), "the server sent something (or closed) too early");

    [Fact]
    public async Task ASessionThatAnswersWithinTheCloseTimeout_IsAnswered_BeforeThe1002()
    {
        using var received = new SemaphoreSlim(0);
        await using var server = await StartWithLateRoute(received);
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/late");
        raw.Send(RawClient.Frame(WebSocketOpcode.Text, "2"u8).Concat(BadFrame("opcode 3")).ToArray());
        AwaitReceipt(received);
        await server.AdvanceAsync(TimeSpan.FromSeconds(1));
        AssertNothingYet(raw); // the close waits for the session
        await server.AdvanceAsync(TimeSpan.FromSeconds(1.5));
        Assert.Equal("answer to 2", raw.ReadFrame()!.Text);
        AssertClosedWith(raw, WebSocketCloseCode.ProtocolError);
    }

    [Fact]
    public async Task ASessionThatNeverAnswers_CannotHoldAFailingConnectionOpen_TheCloseGoesOutAfterTheCloseTimeout()
    {
        using var received = new SemaphoreSlim(0);
        await using var server = await StartWithLateRoute(received);
        var closeTimeout = server.Server.Options.WebSocket.CloseTimeout;
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/late");
        raw.Send(RawClient.Frame(WebSocketOpcode.Text, "never"u8).Concat(BadFrame("rsv2")).ToArray());
        AwaitReceipt(received);
        await server.AdvanceAsync(closeTimeout - TimeSpan.FromSeconds(1));
        AssertNothingYet(raw);
        await server.AdvanceAsync(TimeSpan.FromSeconds(1.5));
        AssertClosedWith(raw, WebSocketCloseCode.ProtocolError);
    }

    [Fact]
    public async Task AnAnswerLaterThanTheCloseTimeout_IsNotAwaited_TheCloseGoesOutFirst()
    {
        using var received = new SemaphoreSlim(0);
        await using var server = await StartWithLateRoute(received);
        var closeTimeout = server.Server.Options.WebSocket.CloseTimeout;
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/late");
        string late = ((int)closeTimeout.TotalSeconds + 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
        raw.Send(RawClient.Frame(WebSocketOpcode.Text, Encoding.ASCII.GetBytes(late)).Concat(RawClient.CloseFrame(WebSocketCloseCode.NormalClosure)).ToArray());
        AwaitReceipt(received);
        await server.AdvanceAsync(closeTimeout + TimeSpan.FromSeconds(0.5));
        AssertClosedWith(raw, WebSocketCloseCode.NormalClosure); // the next frame is the close: no answer came before it
    }
}
