using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Akka.Configuration;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// The /ws welcome is never lost, and nothing the client sends right behind its request either: the session manager
/// tells the session to begin and then tells the connection that the session started, so the session's welcome (from
/// the session) may reach the connection before the manager's word that its session exists (different senders: no
/// order between them), while the client's first message can only reach the session after its beginning.
/// </summary>
public sealed class WelcomeTests
{
    private const int Connections = 3000;

    /// <summary>
    /// Session actors run on the thread that tells them something (Akka.TestKit's calling-thread dispatcher): the session
    /// manager's Begin then runs the session's start, welcome included, before the manager tells the connection
    /// SessionStarted. What is a narrow race on the real dispatcher happens every time.
    /// </summary>
    private static readonly Config SessionsBeginAtOnce = ConfigurationFactory.ParseString("""
        akka.test.calling-thread-dispatcher {
          type = "Akka.TestKit.CallingThreadDispatcherConfigurator, Akka.TestKit"
          throughput = 2147483647
        }
        akka.actor.deployment {
          "/*/sessions/*" { dispatcher = akka.test.calling-thread-dispatcher }
        }
        """);

    /// <summary>Connections being opened at once: enough to keep the server busy, few enough for the listen backlog.</summary>
    private const int Concurrency = 64;

    /// <summary>The whole run's bound (it takes a few seconds).</summary>
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ThousandsOfWsConnectionsOpenedQuickly_EachGetsIts101_ItsWelcome_ThenTheReplyToWhatItSentWithTheRequest(bool sessionsBeginAtOnce)
    {
        // Hundreds of resume attempts from one address: the per-address limit would answer most of them with 429.
        await using var server = await TestServer.StartAsync(o => o.WebSocket.ResumeAttemptsPerSecond = 0, akka: sessionsBeginAtOnce ? SessionsBeginAtOnce : null);
        using var bound = new CancellationTokenSource(RunBound);
        int welcomes = 0;
        int next = -1;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Connections)
            {
                // Every fourth asks to resume a session that does not exist: its welcome comes from a fresh session too.
                string path = i % 4 == 0 ? "/ws?resume=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) + "&lastSeq=3" : "/ws";
                if (await OpenReadWelcomeAndReset(server, path, bound.Token)) Interlocked.Increment(ref welcomes);
            }
        }, bound.Token)).ToArray();
        await Task.WhenAll(workers);
        Assert.Equal(Connections, welcomes);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}");
    }

    /// <summary>Says goodbye and closes as it begins: its close may reach the connection before the word that it exists.</summary>
    private sealed class ClosesAtOnceHandler : WebSocketHandler
    {
        public override void OnOpen(IWebSocketSession session)
        {
            session.SendText("goodbye");
            session.Close(4000, "not today");
        }

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AResumableSessionThatClosesAsItBegins_SaysItsGoodbye_AndClosesEveryConnection(bool sessionsBeginAtOnce)
    {
        const int Attempts = 300;
        await using var server = await TestServer.StartAsync(configure: s => s.MapRoute<ClosesAtOnceHandler>("/closing").Resumable = true,
            akka: sessionsBeginAtOnce ? SessionsBeginAtOnce : null);
        for (int i = 0; i < Attempts; i++)
        {
            using var raw = RawClient.Connect(server.EndPoint);
            raw.Upgrade("/closing");
            Assert.Equal("goodbye", raw.ReadFrame()!.Text);
            var close = raw.ReadFrame();
            Assert.NotNull(close);
            Assert.Equal(WebSocketOpcode.Close, close!.Opcode);
            Assert.Equal(4000, close.CloseCode);
            raw.SendClose(4000);
            Assert.True(raw.WaitForEndOfStream());
        }
    }

    /// <summary>
    /// Opens a WebSocket on <paramref name="path"/> with a ping in the same segment as the request; reads the 101, the
    /// first message (which must be the welcome) and the second (the ping's reply); then resets the TCP connection
    /// without a close frame, as a flaky mobile client does. True when the welcome came (the reply is asserted).
    /// </summary>
    private static async Task<bool> OpenReadWelcomeAndReset(TestServer server, string path, CancellationToken cancel)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var reader = new WebSocketFrameReader(new WebSocketFrameReaderOptions { Role = WebSocketRole.Client });
        await socket.ConnectAsync(server.EndPoint, cancel);
        var request = Encoding.ASCII.GetBytes(RawClient.UpgradeRequest(path)).Concat(RawClient.Frame(WebSocketOpcode.Text, """{"op":"ping","ref":7}"""u8));
        await socket.SendAsync(request.ToArray(), SocketFlags.None, cancel);
        var buffer = new byte[4096];
        int filled = 0;
        int headEnd = -1;
        bool welcomed = false;
        bool replied = false;
        while (!replied)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancel);
            if (n == 0) break; // closed before its welcome or its reply
            filled += n;
            if (headEnd < 0)
            {
                headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
                if (headEnd < 0) continue;
                Assert.StartsWith("HTTP/1.1 101 ", Encoding.ASCII.GetString(buffer, 0, headEnd));
                headEnd += 4;
            }
            while (!replied && headEnd < filled)
            {
                var frame = reader.Read(buffer.AsSpan(headEnd, filled - headEnd), out int consumed);
                headEnd += consumed;
                if (frame.Kind == WebSocketFrameEventKind.NeedMoreData) break;
                Assert.Equal(WebSocketFrameEventKind.Message, frame.Kind);
                string text = Encoding.UTF8.GetString(frame.Payload);
                if (!welcomed)
                {
                    Assert.Contains("\"op\":\"welcome\"", text);
                    welcomed = true;
                }
                else
                {
                    Assert.Contains("\"op\":\"reply\"", text);
                    Assert.Contains("\"ref\":7", text);
                    replied = true;
                }
            }
        }
        socket.LingerState = new LingerOption(true, 0); // close → RST: no close frame, no FIN
        socket.Close();
        Assert.True(!welcomed || replied, "the welcome came, the reply to the ping sent with the request did not");
        return welcomed;
    }
}
