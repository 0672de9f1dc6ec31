using System.Text.Json;
using ActorWs.Client.Requests;
using ActorWs.Samples.Chat;
using ActorWs.Samples.Chat.History;
using ActorWs.Samples.Tests.Infrastructure;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.DependencyInjection;

namespace ActorWs.Samples.Tests.Chat;

/// <summary>The chat room on the server, through the .NET client: admission, presence, history, validation, typing.</summary>
public sealed class ChannelRoomTests(ChatSampleFixture fixture) : IClassFixture<ChatSampleFixture>
{
    private SampleHost Sample => fixture.Sample;

    private static string[] Texts(JsonElement history) => history.EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToArray();

    private static (string Id, string Name)[] Members(JsonElement snapshot) =>
        snapshot.GetProperty("members").EnumerateArray().Select(m => (m.GetProperty("id").GetString()!, m.GetProperty("name").GetString()!)).ToArray();

    [Fact]
    public async Task Joining_GivesTheNewcomerTheMembersByName_AndTellsTheOthers()
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        var first = await ada.JoinAsync("presence");
        Assert.Equal([(ada.SessionId, "Ada")], Members(first));
        Assert.Equal(0, first.GetProperty("history").GetArrayLength());
        Assert.Equal(50, first.GetProperty("historyLimit").GetInt32());

        await using var bob = await ChatBot.ConnectAsync(Sample, "Bob Smith");
        var second = await bob.JoinAsync("presence");
        Assert.Equal([(ada.SessionId, "Ada"), (bob.SessionId, "Bob Smith")], Members(second));

        var joined = await ada.NextAsync("presence", "joined");
        Assert.Equal(bob.SessionId, joined.GetProperty("id").GetString());
        Assert.Equal("Bob Smith", joined.GetProperty("name").GetString());

        await bob.Client.LeaveAsync("presence");
        var left = await ada.NextAsync("presence", "left");
        Assert.Equal(bob.SessionId, left.GetProperty("id").GetString());
        Assert.Equal("Bob Smith", left.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Messages_ReachEveryone_NumberedWithTheAuthorsNameAndTheServersTime()
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        await using var bob = await ChatBot.ConnectAsync(Sample, "Bob");
        await ada.JoinAsync("relay");
        await bob.JoinAsync("relay");

        await ada.SayAsync("relay", "  hello Bob  ", "c-1");
        foreach (var bot in new[] { ada, bob })
        {
            var said = await bot.NextAsync("relay", "say");
            Assert.Equal(1, said.GetProperty("id").GetInt64());
            Assert.Equal(ada.SessionId, said.GetProperty("from").GetString());
            Assert.Equal("Ada", said.GetProperty("name").GetString());
            Assert.Equal("hello Bob", said.GetProperty("text").GetString());
            Assert.Equal("c-1", said.GetProperty("cid").GetString());
            Assert.Equal(fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds(), said.GetProperty("ts").GetInt64());
        }

        var reply = await bob.SayAndEchoAsync("relay", "hi Ada, ünïcödé 😀 <b>");
        Assert.Equal(2, reply.GetProperty("id").GetInt64());
        Assert.False(reply.TryGetProperty("cid", out _));
        Assert.Equal("hi Ada, ünïcödé 😀 <b>", (await ada.NextAsync("relay", "say")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task History_KeepsTheLast50_InOrder_ForWhoeverJoinsLater()
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        await ada.JoinAsync("history");
        for (int i = 1; i <= 59; i++) await ada.SayAsync("history", $"m{i}");
        await ada.SayAndEchoAsync("history", "m60");

        await using var carol = await ChatBot.ConnectAsync(Sample, "Carol");
        var snapshot = await carol.JoinAsync("history");
        var history = snapshot.GetProperty("history");
        Assert.Equal(Enumerable.Range(11, 50).Select(i => $"m{i}"), Texts(history));
        Assert.Equal(Enumerable.Range(11, 50).Select(i => (long)i), history.EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
        Assert.All(history.EnumerateArray(), m => Assert.Equal("Ada", m.GetProperty("name").GetString()));

        // Asking again (a reloaded page that resumed its session) gives the same.
        await carol.Client.SendAsync("history", new { kind = "sync" });
        var again = await carol.NextAsync("history", "snapshot");
        Assert.Equal(Texts(history), Texts(again.GetProperty("history")));
    }

    [Fact]
    public async Task History_OutlivesTheRoom_WhenItGoesAwayEmptyAndIsMadeAgain()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build, "--server:rooms:linger=0s");
        var rooms = sample.Host.Services.GetRequiredService<RoomDirectory>();
        await using (var ada = await ChatBot.ConnectAsync(sample, "Ada"))
        {
            await ada.JoinAsync("attic");
            await ada.SayAndEchoAsync("attic", "still here?");
            await ada.Client.LeaveAsync("attic");
        }
        // Empty, with no linger: the room stops. Wait (bounded) until it is gone.
        var deadline = DateTime.UtcNow + ChatBot.Wait;
        while (await rooms.FindAsync("channel", "attic") is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the empty room did not stop");
            await Task.Delay(10);
        }
        Assert.True(sample.Host.Services.GetRequiredService<ChatHistoryStore>().Contains("attic"));

        await using var bob = await ChatBot.ConnectAsync(sample, "Bob");
        var snapshot = await bob.JoinAsync("attic");
        Assert.Equal(["still here?"], Texts(snapshot.GetProperty("history")));
        Assert.Equal(2, (await bob.SayAndEchoAsync("attic", "yes")).GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("invalid-1", """{"kind":"say","text":""}""", "message is empty")]
    [InlineData("invalid-2", """{"kind":"say","text":"   \n  "}""", "message is empty")]
    [InlineData("invalid-3", """{"kind":"say","text":null}""", "\"text\" must be a string")]
    [InlineData("invalid-4", """{"kind":"shout"}""", "unknown kind \"shout\" (expected say, typing or sync)")]
    [InlineData("invalid-5", """["say","hi"]""", "chat messages are JSON objects with a \"kind\"")]
    [InlineData("invalid-6", """{"kind":"say","text":"ok","cid":"has spaces"}""", "\"cid\" must be 1 to 64 letters, digits, - or _")]
    public async Task InvalidMessages_GetAnErrorReply_AndChangeNothing(string room, string data, string reason)
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        await ada.JoinAsync(room);
        await ada.SendRawAsync(room, data);
        Assert.Equal(reason, await ada.NextErrorAsync());

        // The room carries on, and kept nothing of the refused message.
        Assert.Equal(1, (await ada.SayAndEchoAsync(room, "fine")).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task AConfirmedSay_IsConfirmedOnlyOnceTheRoomKeptIt_AndARefusedOneFailsWithTheRoomsReason()
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        await ada.JoinAsync("confirmed");
        var refused = await Assert.ThrowsAsync<ActorWsRequestException>(
            () => ada.Client.SendConfirmedAsync("confirmed", new { kind = "say", text = "   " }).WaitAsync(ChatBot.Wait));
        Assert.Equal((RequestFailure.Rejected, "message is empty", "send"), (refused.Failure, refused.Reason, refused.Op));

        await ada.Client.SendConfirmedAsync("confirmed", new { kind = "say", text = "kept" }).WaitAsync(ChatBot.Wait);
        var said = await ada.NextAsync("confirmed", "say");
        Assert.Equal(("kept", 1L), (said.GetProperty("text").GetString(), said.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task TooLongMessages_AreRefused_AtTheLimitTheyPass()
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        await ada.JoinAsync("limits");
        await ada.SayAsync("limits", new string('x', 2001));
        Assert.Equal("message longer than 2000 characters", await ada.NextErrorAsync());

        // Past the byte limit (which allows 2000 characters even as \uXXXX escapes) the toolkit refuses it unread.
        await ada.SendRawAsync("limits", $$"""{"kind":"say","text":"{{new string('y', 13_000)}}"}""");
        Assert.Equal("message larger than 12512 bytes", await ada.NextErrorAsync());

        string atLimit = string.Concat(Enumerable.Repeat("\\u00e9", 2000));
        await ada.SendRawAsync("limits", $$"""{"kind":"say","text":"{{atLimit}}"}""");
        var said = await ada.NextAsync("limits", "say");
        Assert.Equal(new string('é', 2000), said.GetProperty("text").GetString());
    }

    [Fact]
    public async Task BinaryMessages_AreRefused()
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        await ada.JoinAsync("binary");
        await ada.Client.SendBinaryAsync(new byte[] { 1, 2, 3 });
        Assert.Equal("chat rooms take JSON messages (op send), not binary", await ada.NextErrorAsync());
    }

    [Theory]
    [InlineData(null, "a display name is required")]
    [InlineData("", "a display name is required")]
    [InlineData(" Ada", "display names may not start or end with a space")]
    [InlineData("Ada<script>", "display names may contain only letters, digits, spaces and - _ . '")]
    [InlineData("abcdefghijklmnopqrstuvwxyz-far-too-long", "display names are at most 24 characters")]
    public async Task BadDisplayNames_AreRefusedWhenJoining(string? name, string reason)
    {
        await using var bot = await ChatBot.ConnectAsync(Sample, name);
        var refused = await Assert.ThrowsAsync<ActorWsRequestException>(() => bot.Client.JoinAsync("general"));
        Assert.Equal(RequestFailure.Rejected, refused.Failure);
        Assert.Equal(reason, refused.Reason);
    }

    [Theory]
    [InlineData("General")]
    [InlineData("-dash")]
    [InlineData("with space")]
    public async Task BadRoomNames_AreRefused(string room)
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        var refused = await Assert.ThrowsAsync<ActorWsRequestException>(() => ada.Client.JoinAsync(room));
        Assert.Equal("room names are 1 to 32 characters: lowercase letters, digits, - and _, starting with a letter or digit", refused.Reason);
        Assert.False(fixture.Sample.Host.Services.GetRequiredService<ChatHistoryStore>().Contains(room));
    }

    [Fact]
    public async Task Typing_GoesToTheOthers_AtMostOncePerInterval_AndEndsWithTheMessage()
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        await using var bob = await ChatBot.ConnectAsync(Sample, "Bob");
        await ada.JoinAsync("typing");
        await bob.JoinAsync("typing");
        await ada.NextAsync("typing", "joined");

        await ada.TypingAsync("typing", false);     // never started: nothing to tell
        await ada.TypingAsync("typing", true);      // told
        await ada.TypingAsync("typing", true);      // within the interval: not told again
        // Before moving the clock, make sure the room has handled those (a sync is answered in order, and ends no typing).
        await ada.Client.SendAsync("typing", new { kind = "sync" });
        await ada.NextAsync("typing", "snapshot");
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        await ada.TypingAsync("typing", true);      // a second later: told again
        await ada.TypingAsync("typing", false);     // told
        await ada.TypingAsync("typing", false);     // already stopped: not told
        await ada.SayAsync("typing", "sync point");

        // The room handles Ada's messages in order, so everything it relayed arrives before the message.
        var bobSaw = await bob.CollectUntilAsync("typing", "say");
        Assert.Equal(["Ada:True", "Ada:True", "Ada:False"], bobSaw.Where(d => ChatBot.KindOf(d) == "typing")
            .Select(d => $"{d.GetProperty("name").GetString()}:{d.GetProperty("active").GetBoolean()}"));
        var adaSaw = await ada.CollectUntilAsync("typing", "say");
        Assert.DoesNotContain(adaSaw, d => ChatBot.KindOf(d) == "typing");
    }

    [Fact]
    public async Task AResentMessage_IsKeptOnce_AndOnlyItsSenderHearsItAgain()
    {
        await using var ada = await ChatBot.ConnectAsync(Sample, "Ada");
        await using var bob = await ChatBot.ConnectAsync(Sample, "Bob");
        await ada.JoinAsync("resend");
        await bob.JoinAsync("resend");

        await ada.SayAsync("resend", "only once", "cid-42");
        var first = await ada.NextAsync("resend", "say");
        await ada.SayAsync("resend", "only once", "cid-42");
        var again = await ada.NextAsync("resend", "say");
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());

        // Someone else reusing the id is not taken for a resend.
        await bob.SayAsync("resend", "mine", "cid-42");
        Assert.Equal("only once", (await bob.NextAsync("resend", "say")).GetProperty("text").GetString());
        Assert.Equal("mine", (await bob.NextAsync("resend", "say")).GetProperty("text").GetString());
        // Sent once Bob's is in the room: two clients' messages have no order between them until then.
        await ada.SayAsync("resend", "after", "cid-43");
        Assert.Equal("after", (await bob.NextAsync("resend", "say")).GetProperty("text").GetString());

        await using var carol = await ChatBot.ConnectAsync(Sample, "Carol");
        var snapshot = await carol.JoinAsync("resend");
        Assert.Equal(["only once", "mine", "after"], Texts(snapshot.GetProperty("history")));
    }

    [Fact]
    public async Task TheRoomTypesRateLimit_Applies()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build, "--chat:messages-per-second=1");
        await using var ada = await ChatBot.ConnectAsync(sample, "Ada");
        await ada.JoinAsync("slow");
        await ada.SayAsync("slow", "one");
        await ada.SayAsync("slow", "two");
        Assert.Equal("rate limit exceeded", await ada.NextErrorAsync());
    }
}
