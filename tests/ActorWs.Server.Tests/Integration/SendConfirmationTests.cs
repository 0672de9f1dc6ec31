using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// A <c>send</c> with a <c>ref</c> is confirmed only once the room took the message; a refusal (the room's validation,
/// its size or rate limit, or its failure) answers that ref with an error instead. Over real sockets, on a resumable
/// JSON route (<c>/ws</c>, deliveries through the session actor) and a plain one (deliveries straight to the connection).
/// </summary>
public sealed class SendConfirmationTests
{
    /// <summary>Refuses <c>"no"</c>, fails on <c>"crash"</c>, and broadcasts everything else to every member.</summary>
    private sealed class PickyRoom : Room
    {
        protected internal override void OnMessage(RoomMember member, WebSocketMessage message)
        {
            string text = message.GetText();
            if (text == "\"no\"") throw new RoomMessageRejectedException("no thanks");
            if (text == "\"crash\"") throw new InvalidOperationException("the picky room crashed");
            Broadcast(message.Span, message.Type);
        }
    }

    /// <summary>
    /// An application's own handler on <c>/tagged</c>: joins room <c>t</c> (type <c>picky</c>) when it opens, sends each
    /// text message to it tagged <c>#1</c>, <c>#2</c>, …, and tells the client what came back for which tag.
    /// </summary>
    private sealed class TaggingHandler : WebSocketHandler
    {
        private int _sent;

        public override void OnOpen(IWebSocketSession session) => session.JoinRoom("t");

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            if (!session.SendToRoom("t", message.Span, WebSocketMessageType.Text, tag: "#" + ++_sent))
                session.SendText("not in the room");
        }

        public override void OnRoomEvent(IWebSocketSession session, RoomEvent roomEvent)
        {
            switch (roomEvent)
            {
                case RoomJoined:
                    session.SendText("joined");
                    break;
                case RoomMessageAccepted accepted:
                    session.SendText($"accepted {accepted.Tag} in {accepted.Room}");
                    break;
                case RoomMessageRejected rejected:
                    session.SendText($"rejected {rejected.Tag ?? "(no tag)"} in {rejected.Room}: {rejected.Reason}");
                    break;
            }
        }
    }

    private static Task<TestServer> Start(Action<RoomTypeOptions>? limits = null, bool fakeTime = false) =>
        TestServer.StartAsync(
            o => { o.Rooms.RestartBackoffMin = TimeSpan.Zero; o.Rooms.RestartBackoffMax = TimeSpan.Zero; },
            s =>
            {
                s.DefineRoom<PickyRoom>("picky", limits);
                s.MapRoute<JsonRoomsHandler>("/plain").RoomType = "picky";
                var resumable = s.MapRoute<JsonRoomsHandler>("/resumable");
                resumable.RoomType = "picky";
                resumable.Resumable = true;
                s.MapRoute<TaggingHandler>("/tagged").RoomType = "picky";
            },
            fakeTime);

    /// <summary>A JSON-protocol client in one room, reading whole frames; every wait bounded.</summary>
    private sealed class Client(ClientWebSocket socket, string room) : IDisposable
    {
        public static async Task<Client> JoinAsync(TestServer server, string path, string room)
        {
            var client = new Client(await server.ConnectAsync(path), room);
            await client.SendAsync($$"""{"op":"join","room":"{{room}}","ref":"join"}""");
            var joined = await client.UntilAsync(f => RefIs(f, "\"join\""));
            Assert.Equal("reply", Op(joined.Last()));
            return client;
        }

        public Task SendAsync(string json) => EchoTests.SendTextAsync(socket, json);

        /// <summary>Every frame up to and including the first that matches, in order of arrival.</summary>
        public async Task<List<JsonElement>> UntilAsync(Func<JsonElement, bool> match)
        {
            var frames = new List<JsonElement>();
            while (frames.Count < 100)
            {
                var frame = JsonDocument.Parse(await EchoTests.ReceiveTextAsync(socket)).RootElement.Clone();
                frames.Add(frame);
                if (match(frame)) return frames;
            }
            throw new InvalidOperationException("no matching frame among the first 100");
        }

        /// <summary>
        /// Sends the room one more confirmed message and returns every frame before its echo: whatever the room still
        /// had to say about the messages before it (it handles a member's messages in order).
        /// </summary>
        public async Task<List<JsonElement>> SettleAsync()
        {
            await SendAsync($$"""{"op":"send","room":"{{room}}","data":"settle","ref":"settle"}""");
            var frames = await UntilAsync(f => RefIs(f, "\"settle\""));
            Assert.Equal("reply", Op(frames[^1]));
            Assert.True(IsEcho(frames[^2], "settle"));
            return frames[..^2];
        }

        public void Dispose() => socket.Dispose();
    }

    private static string? Op(JsonElement frame) =>
        frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty("op", out var op) ? op.GetString() : null;

    /// <summary>Whether <paramref name="frame"/> answers the ref whose raw JSON is <paramref name="rawRef"/>.</summary>
    private static bool RefIs(JsonElement frame, string rawRef) =>
        frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty("ref", out var r) && r.GetRawText() == rawRef;

    /// <summary>The room's echo of <paramref name="data"/>: wrapped in a message event on a resumable route, raw on a plain one.</summary>
    private static bool IsEcho(JsonElement frame, string data) =>
        Op(frame) == "message" ? frame.GetProperty("data").GetString() == data
        : frame.ValueKind == JsonValueKind.String && frame.GetString() == data;

    [Theory]
    [InlineData("/plain")]
    [InlineData("/resumable")]
    public async Task ARefusedSend_GetsOnlyAnErrorCarryingItsRef_AndAnAcceptedOne_IsConfirmedAfterTheRoomsEcho(string path)
    {
        await using var server = await Start();
        using var client = await Client.JoinAsync(server, path, "p");

        await client.SendAsync("""{"op":"send","room":"p","data":"no","ref":7}""");
        var refused = (await client.UntilAsync(f => RefIs(f, "7"))).Last();
        Assert.Equal("error", Op(refused));
        Assert.Equal("no thanks", refused.GetProperty("reason").GetString());

        await client.SendAsync("""{"op":"send","room":"p","data":"fine","ref":"eight"}""");
        var frames = await client.UntilAsync(f => RefIs(f, "\"eight\""));
        var confirmed = frames.Last();
        Assert.Equal(("reply", "ok"), (Op(confirmed), confirmed.GetProperty("status").GetString()));
        Assert.Contains(frames, f => IsEcho(f, "fine")); // the confirmation follows what the room sent in taking it

        // Nothing else answered either ref: no "ok" for the refused send, no second reply for the accepted one.
        var rest = await client.SettleAsync();
        Assert.DoesNotContain(rest, f => RefIs(f, "7") || RefIs(f, "\"eight\""));
    }

    [Theory]
    [InlineData("/plain")]
    [InlineData("/resumable")]
    public async Task SizeAndRateLimitRefusals_CarryTheRef(string path)
    {
        // On virtual time the rate limit's bucket does not refill while the test runs.
        await using var server = await Start(o => { o.MaxMessageSize = 20; o.MessagesPerSecond = 2; o.AbuseThreshold = 100; }, fakeTime: true);
        using var client = await Client.JoinAsync(server, path, "p");

        await client.SendAsync($$"""{"op":"send","room":"p","data":"{{new string('x', 40)}}","ref":1}""");
        await client.SendAsync("""{"op":"send","room":"p","data":"a","ref":2}""");
        await client.SendAsync("""{"op":"send","room":"p","data":"b","ref":3}""");
        await client.SendAsync("""{"op":"send","room":"p","data":"c","ref":4}""");
        var answers = (await client.UntilAsync(f => RefIs(f, "4"))).Where(f => f.ValueKind == JsonValueKind.Object && f.TryGetProperty("ref", out _)).ToList();

        Assert.Equal(["error 1 message larger than 20 bytes", "reply 2 ok", "reply 3 ok", "error 4 rate limit exceeded"],
            answers.Select(f => $"{Op(f)} {f.GetProperty("ref").GetRawText()} {(Op(f) == "error" ? f.GetProperty("reason").GetString() : f.GetProperty("status").GetString())}"));
    }

    [Theory]
    [InlineData("/plain")]
    [InlineData("/resumable")]
    public async Task ASendThatMakesTheRoomFail_GetsAnErrorWithItsRef_ThenTheRestartNotice(string path)
    {
        await using var server = await Start();
        using var client = await Client.JoinAsync(server, path, "p");

        await client.SendAsync("""{"op":"send","room":"p","data":"crash","ref":9}""");
        var frames = await client.UntilAsync(f => Op(f) == "notice");
        var answer = Assert.Single(frames, f => RefIs(f, "9"));
        Assert.Equal("error", Op(answer));
        Assert.Equal("the room failed handling the message", answer.GetProperty("reason").GetString());
        Assert.Equal("restarted", frames.Last().GetProperty("event").GetString());

        // The restarted room takes the next one.
        await client.SendAsync("""{"op":"send","room":"p","data":"after","ref":10}""");
        Assert.Equal("reply", Op((await client.UntilAsync(f => RefIs(f, "10"))).Last()));
    }

    [Fact]
    public async Task SendsWithoutARef_GetNoReply_AndARefusalStillComesAsAnErrorWithoutRef()
    {
        await using var server = await Start();
        using var client = await Client.JoinAsync(server, "/resumable", "p");

        await client.SendAsync("""{"op":"send","room":"p","data":"fine"}""");
        await client.SendAsync("""{"op":"send","room":"p","data":"no"}""");
        var frames = await client.SettleAsync();
        Assert.Equal(["message", "error"], frames.Select(Op));
        Assert.Equal(JsonValueKind.Null, frames[1].GetProperty("ref").ValueKind);
        Assert.Equal("no thanks", frames[1].GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("/plain")]
    [InlineData("/resumable")]
    public async Task ASendRightAfterALeave_IsRefusedWithItsRef_WhetherTheSessionOrTheRoomSeesItFirst(string path)
    {
        await using var server = await Start();
        using var client = await Client.JoinAsync(server, path, "p");
        for (int i = 0; i < 5; i++)
        {
            // The send leaves before the leave's answer is back: the session may still count itself in, the room not.
            await client.SendAsync($$"""{"op":"leave","room":"p","ref":"leave{{i}}"}""");
            await client.SendAsync($$"""{"op":"send","room":"p","data":"late","ref":"late{{i}}"}""");
            var answer = (await client.UntilAsync(f => RefIs(f, $"\"late{i}\""))).Last();
            Assert.Equal(("error", "not a member of room \"p\""), (Op(answer), answer.GetProperty("reason").GetString()));
            await client.SendAsync($$"""{"op":"join","room":"p","ref":"join{{i}}"}""");
            Assert.Equal("reply", Op((await client.UntilAsync(f => RefIs(f, $"\"join{i}\""))).Last()));
        }
    }

    [Fact]
    public async Task AHandlersTaggedSend_IsAnsweredWithAcceptanceOrRefusal_CarryingTheTag()
    {
        await using var server = await Start();
        using var socket = await server.ConnectAsync("/tagged");
        Assert.Equal("joined", await EchoTests.ReceiveTextAsync(socket));

        await EchoTests.SendTextAsync(socket, "\"fine\"");
        await EchoTests.SendTextAsync(socket, "\"no\"");
        await EchoTests.SendTextAsync(socket, "\"crash\"");
        var received = new List<string>();
        for (int i = 0; i < 4; i++) received.Add(await EchoTests.ReceiveTextAsync(socket));

        Assert.Equal(
            ["\"fine\"", "accepted #1 in t", "rejected #2 in t: no thanks", "rejected #3 in t: the room failed handling the message"],
            received);
    }
}
