using System.Net.WebSockets;
using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Tests.Infrastructure;

namespace ActorWs.Client.Tests.Resume;

/// <summary>
/// Resume and numbering against a scripted server, for what a correct server rarely does: replays that
/// overlap, refused resumes with game rooms, missing welcomes, junk.
/// </summary>
public class ScriptedResumeTests : IAsyncLifetime
{
    private static readonly ActorWsClientOptions Options = new() { Random = () => 0, HeartbeatInterval = TimeSpan.Zero, AckInterval = TimeSpan.Zero };

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(ActorWsClient, EventRecorder, ScriptedConnection)> ConnectAsync(ActorWsClientOptions? options = null)
    {
        var client = new ActorWsClient(_server.ThroughCutter("/scripted"), options ?? Options);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        return (client, events, await _server.Scripted.NextConnectionAsync());
    }

    [Fact]
    public async Task An_overlapping_replay_delivers_only_what_is_new()
    {
        _server.Scripted.Welcome = c => c.Number == 1
            ? ScriptedPeer.WelcomeJson("s-1", "tok-1", resumed: false)
            : ScriptedPeer.WelcomeJson("s-1", "tok-1", resumed: true, lastSeq: 1);
        var (client, events, first) = await ConnectAsync();
        await using var _ = client;
        for (int seq = 1; seq <= 3; seq++) first.SendMessage("lobby", seq, $"{seq}");
        await events.WaitCountAsync<RoomMessage>(3);

        _server.Cutter.CutAll();
        var second = await _server.Scripted.NextConnectionAsync();
        Assert.Equal("tok-1", second.QueryValues["resume"]);
        Assert.Equal("3", second.QueryValues["lastSeq"]);
        // The server replays from 2 although the client asked from 3.
        for (int seq = 2; seq <= 5; seq++) second.SendMessage("lobby", seq, $"{seq}");

        var messages = await events.WaitCountAsync<RoomMessage>(5);
        Assert.Equal([1L, 2, 3, 4, 5], messages.Select(m => m.Seq!.Value));
        Assert.Equal(2, client.DuplicateMessages);
        Assert.Equal(5, client.LastSeq);
        Assert.Empty(events.All<ResumeFailed>());
    }

    [Fact]
    public async Task Binary_messages_lose_their_seq_prefix_and_are_deduplicated_with_the_json_ones()
    {
        _server.Scripted.Welcome = c => ScriptedPeer.WelcomeJson("s-1", "tok", resumed: false);
        var (client, events, server) = await ConnectAsync();
        await using var _ = client;
        server.SendMessage("arena-1", 1, "{}");
        server.SendBytes([0, 0, 0, 2, 10, 20, 30], WebSocketMessageType.Binary);
        server.SendBytes([0, 0, 0, 2, 99], WebSocketMessageType.Binary);   // a repeat
        server.SendBytes([0, 0, 1], WebSocketMessageType.Binary);          // too short to carry a seq
        server.SendBytes([0, 0, 0, 3], WebSocketMessageType.Binary);       // an empty payload is fine
        var binaries = await events.WaitCountAsync<BinaryReceived>(2);
        Assert.Equal([10, 20, 30], binaries[0].Payload.ToArray());
        Assert.Equal(2, binaries[0].Seq);
        Assert.True(binaries[1].Payload.IsEmpty);
        Assert.Equal(3, binaries[1].Seq);
        Assert.Equal(1, client.DuplicateMessages);
        Assert.Equal(1, client.IgnoredMessages);
    }

    [Fact]
    public async Task A_refused_resume_reports_the_game_rooms_lost_and_rejoins_the_chat_rooms()
    {
        _server.Scripted.Welcome = c => c.Number == 1
            ? ScriptedPeer.WelcomeJson("s-1", "tok-1", resumed: false)
            : ScriptedPeer.WelcomeJson("s-2", "tok-2", resumed: false, resumeError: "session expired");
        var (client, events, first) = await ConnectAsync();
        await using var _ = client;
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        var arena = await client.JoinOrCreateAsync("arena", new { mode = "ffa" }).WaitAsync(TestServer.Wait);
        Assert.Equal(("arena-1", "arena"), (arena.Room, arena.Type));
        first.SendMessage("lobby", 7, "\"old\"");
        await events.WaitAsync<RoomMessage>();

        _server.Cutter.CutAll();
        var second = await _server.Scripted.NextConnectionAsync();
        var failed = await events.WaitAsync<ResumeFailed>();
        Assert.Equal("session expired", failed.Reason);
        Assert.Equal(["lobby"], failed.ChatRooms);
        Assert.Equal([new GameRoomMembership("arena-1", "arena")], failed.GameRooms);
        Assert.Equal("arena-1", (await events.WaitAsync<GameRoomLost>()).Room);
        Assert.Equal("lobby", (await events.WaitAsync<RoomRejoined>()).Room);
        Assert.Equal("lobby", (await second.NextRequestAsync("join")).GetProperty("room").GetString());
        Assert.Empty(client.GameRooms);
        Assert.Equal(("s-2", "tok-2"), (client.SessionId, client.ResumeToken));

        // The new session numbers from 1 again: its first message is delivered, not taken for a repeat.
        second.SendMessage("lobby", 1, "\"new\"");
        var fresh = await events.WaitAsync<RoomMessage>(m => m.Data.GetString() == "new");
        Assert.Equal(1, fresh.Seq);
    }

    [Fact]
    public async Task A_chat_room_that_refuses_the_rejoin_is_reported_and_forgotten()
    {
        _server.Scripted.Welcome = c => c.Number == 1 ? ScriptedPeer.WelcomeJson("s-1", "tok-1", resumed: false) : ScriptedPeer.WelcomeJson("s-2", "tok-2", resumed: false, resumeError: "unknown token");
        _server.Scripted.Respond = (c, request) => c.Number > 1 && request.GetProperty("op").GetString() == "join" && request.GetProperty("room").GetString() == "vip"
            ? $"{{\"op\":\"error\",\"ref\":{request.GetProperty("ref").GetRawText()},\"reason\":\"members only\"}}"
            : null;
        var (client, events, _) = await ConnectAsync();
        await using var __ = client;
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        await client.JoinAsync("vip").WaitAsync(TestServer.Wait);
        _server.Cutter.CutAll();
        var refused = await events.WaitAsync<RoomRejoinFailed>();
        Assert.Equal(("vip", "members only"), (refused.Room, refused.Reason));
        await events.WaitAsync<RoomRejoined>(r => r.Room == "lobby");
        await events.WaitCountAsync<ConnectionStateChanged>(2, s => s.State == ConnectionState.Open);
        Assert.Equal(["lobby"], client.ChatRooms);
    }

    [Fact]
    public async Task A_server_without_welcome_gets_the_rooms_rejoined_after_a_reconnection()
    {
        var (client, events, _) = await ConnectAsync();
        await using var __ = client;
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        _server.Cutter.CutAll();
        var second = await _server.Scripted.NextConnectionAsync();
        Assert.DoesNotContain("resume", second.QueryValues.Keys);
        var failed = await events.WaitAsync<ResumeFailed>();
        Assert.Contains("no resume", failed.Reason);
        await events.WaitAsync<RoomRejoined>(r => r.Room == "lobby");
    }

    [Fact]
    public async Task A_resume_answered_without_welcome_is_a_lost_session_at_once()
    {
        // The server answers the client's first ping without having sent a welcome: it has no resume.
        _server.Scripted.Welcome = c => c.Number == 1 ? ScriptedPeer.WelcomeJson("s-1", "tok-1", resumed: false) : null;
        var (client, events, _) = await ConnectAsync();
        await using var __ = client;
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        _server.Cutter.CutAll();
        var second = await _server.Scripted.NextConnectionAsync();
        Assert.Equal("tok-1", second.QueryValues["resume"]);
        var failed = await events.WaitAsync<ResumeFailed>();
        Assert.Equal("no welcome from the server", failed.Reason);
        await events.WaitAsync<RoomRejoined>(r => r.Room == "lobby");
    }

    [Fact]
    public async Task Connect_completes_after_the_welcome_so_the_session_is_known()
    {
        _server.Scripted.Welcome = c => ScriptedPeer.WelcomeJson("s-42", "tok-42", resumed: false);
        var (client, _, _) = await ConnectAsync();
        await using var __ = client;
        Assert.Equal(("s-42", "tok-42"), (client.SessionId, client.ResumeToken));
    }

    [Fact]
    public async Task Junk_from_the_server_is_ignored_and_the_connection_carries_on()
    {
        var (client, events, server) = await ConnectAsync();
        await using var _ = client;
        string[] junk =
        [
            "not json", "[1,2,3]", "{\"op\":\"teleport\"}", "{\"op\":42}", "{\"op\":\"message\"}",
            "{\"op\":\"presence\",\"room\":\"r\",\"member\":\"m\",\"event\":\"dance\"}", "{\"op\":\"reply\",\"ref\":999999}",
            "{\"op\":\"welcome\",\"token\":\"t\"}", "{\"op\":\"message\",\"room\":\"r\",\"data\":" + new string('[', 100) + new string(']', 100) + "}",
        ];
        foreach (var text in junk) server.Send(text);
        server.Send("{\"op\":\"message\",\"room\":\"r\",\"data\":\"fine\"}");
        var message = await events.WaitAsync<RoomMessage>();
        Assert.Equal("fine", message.Data.GetString());
        Assert.Equal(junk.Length, client.IgnoredMessages);
        Assert.Equal(ConnectionState.Open, client.State);
        await client.PingAsync().WaitAsync(TestServer.Wait);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_drops_the_connection_and_the_client_reconnects()
    {
        var (client, events, server) = await ConnectAsync(Options with { MaxMessageSize = 4096 });
        await using var _ = client;
        server.Send("{\"op\":\"message\",\"room\":\"r\",\"data\":\"" + new string('x', 10_000) + "\"}");
        var reconnecting = await events.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Reconnecting);
        Assert.Contains("over 4096 bytes", reconnecting.Reason);
        Assert.Equal(1009, (int)(await server.Closed.Task.WaitAsync(TestServer.Wait)).Code);
        await events.WaitCountAsync<ConnectionStateChanged>(2, s => s.State == ConnectionState.Open);
    }

    [Fact]
    public async Task A_resume_token_from_an_earlier_run_is_offered_on_the_first_connection()
    {
        _server.Scripted.Welcome = c => ScriptedPeer.WelcomeJson("s-9", "tok-9", resumed: true, lastSeq: 12);
        var (client, events, server) = await ConnectAsync(Options with { ResumeToken = "tok-9", ResumeLastSeq = 12 });
        await using var _ = client;
        Assert.Equal(("tok-9", "12"), (server.QueryValues["resume"], server.QueryValues["lastSeq"]));
        Assert.True((await events.WaitAsync<Welcomed>()).Resumed);
        server.SendMessage("lobby", 12, "\"seen\"");
        server.SendMessage("lobby", 13, "\"new\"");
        var message = await events.WaitAsync<RoomMessage>();
        Assert.Equal(13, message.Seq);
        Assert.Equal(1, client.DuplicateMessages);
    }
}
