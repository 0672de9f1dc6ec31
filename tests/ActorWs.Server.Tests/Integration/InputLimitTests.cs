using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// Clients that send without reading, or send slowly, or keep sending after they were closed: every queue they cause is
/// bounded, and the server stops reading them rather than buffering what they send.
/// </summary>
public sealed partial class InputLimitTests
{
    /// <summary>
    /// Sends <paramref name="blob"/> without reading anything, until all of it is sent or the server stops taking bytes
    /// (the socket stays unwritable for a second: the server reads nothing more, so nothing drains the kernel's buffers).
    /// Returns how many bytes went out.
    /// </summary>
    private static int SendUntilStalled(RawClient client, byte[] blob)
    {
        var socket = client.Socket;
        socket.Blocking = false;
        int sent = 0;
        try
        {
            while (sent < blob.Length)
            {
                int n = socket.Send(blob, sent, blob.Length - sent, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    if (!socket.Poll(1_000_000, SelectMode.SelectWrite)) break;
                    continue;
                }
                Assert.Equal(SocketError.Success, error);
                sent += n;
            }
        }
        finally
        {
            socket.Blocking = true;
        }
        return sent;
    }

    /// <summary>The server's <c>actorws_bytes_received_total</c>, from its own /metrics endpoint.</summary>
    private static async Task<long> BytesReceivedAsync(TestServer server)
    {
        using var http = new HttpClient { Timeout = TestServer.Wait };
        string text = await http.GetStringAsync(server.HttpUri("/metrics"));
        return long.Parse(BytesReceived().Match(text).Groups[1].Value);
    }

    [GeneratedRegex(@"actorws_bytes_received_total (\d+)")]
    private static partial Regex BytesReceived();

    [Fact]
    public async Task APingFlood_FromAClientThatReadsNothing_StopsBeingRead_AndEveryPingItReadIsAnsweredOnceTheClientReads()
    {
        const int Pings = 400_000;
        await using var server = await TestServer.StartAsync(o => o.WebSocket.OutboundQueueLimit = 64 * 1024);
        using var healthy = await server.ConnectAsync("/echo");
        using var flooder = RawClient.Connect(server.EndPoint, receiveBufferSize: 16 * 1024);
        flooder.Upgrade("/echo");
        var ping = RawClient.Frame(WebSocketOpcode.Ping, new byte[125]);
        var blob = new byte[ping.Length * Pings];
        for (int i = 0; i < Pings; i++) ping.CopyTo(blob, i * ping.Length);

        int sent = SendUntilStalled(flooder, blob);

        // Pongs are replies: past the 64 KiB limit the server stops reading, so what it read is bounded by the limit and
        // the kernel's buffers (a few MiB), not by the 52 MB the client tried to send.
        long read = await BytesReceivedAsync(server);
        Assert.True(read < 8 * 1024 * 1024, $"the server read {read} bytes of a ping flood from a client that reads nothing");
        await EchoTests.SendTextAsync(healthy, "unaffected");
        Assert.Equal("unaffected", await EchoTests.ReceiveTextAsync(healthy));

        // Once the client reads, the server reads on: the rest of the ping being sent and a text message after it.
        int pingsSent = (sent + ping.Length - 1) / ping.Length;
        var finishing = Task.Run(() =>
        {
            flooder.Send(blob.AsSpan(sent, pingsSent * ping.Length - sent));
            flooder.SendText("done");
        });
        int pongs = 0;
        ReceivedFrame? frame;
        while ((frame = flooder.ReadFrame()) is { Opcode: WebSocketOpcode.Pong }) pongs++;
        await finishing.WaitAsync(TestServer.Wait);
        Assert.NotNull(frame);
        Assert.Equal("done", frame!.Text);
        Assert.Equal(pingsSent, pongs);
    }

    [Fact]
    public async Task PipelinedHttpRequests_FromAClientThatReadsNothing_StopBeingRead_AndAreAllAnsweredInOrderOnceItReads()
    {
        const int Requests = 3_000;
        await using var server = await TestServer.StartAsync(o => o.WebSocket.OutboundQueueLimit = 64 * 1024);
        using var healthy = await server.ConnectAsync("/echo");
        using var pipeliner = RawClient.Connect(server.EndPoint, receiveBufferSize: 16 * 1024);
        var request = Encoding.ASCII.GetBytes("GET /actorws.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        var blob = new byte[request.Length * Requests];
        for (int i = 0; i < Requests; i++) request.CopyTo(blob, i * request.Length);

        int sent = SendUntilStalled(pipeliner, blob);

        // Each answer is 32 KiB; past 64 KiB unsent the server reads no further requests: what it read is one read
        // buffer's worth at most, not the 129 KB of requests.
        long read = await BytesReceivedAsync(server);
        Assert.True(read < 48 * 1024, $"the server read {read} bytes of pipelined requests from a client that reads nothing");
        await EchoTests.SendTextAsync(healthy, "unaffected");
        Assert.Equal("unaffected", await EchoTests.ReceiveTextAsync(healthy));

        var finishing = Task.Run(() => pipeliner.Send(blob.AsSpan(sent)));
        int length = -1;
        for (int i = 0; i < Requests; i++)
        {
            var response = pipeliner.ReadHttpResponse();
            Assert.Equal(200, response.Status);
            int bodyLength = int.Parse(response.Headers["Content-Length"]);
            if (length < 0) length = bodyLength;
            Assert.Equal(length, bodyLength);
        }
        await finishing.WaitAsync(TestServer.Wait);
        Assert.True(length > 16 * 1024);
    }

    [Fact]
    public async Task AMessageNotCompletedWithinTheMessageTimeout_IsClosedWith1008_AfterTheMessagesBeforeItWereAnswered()
    {
        // The healthy client reads nothing meanwhile (so answers no ping): a long idle timeout keeps it through the test.
        await using var server = await TestServer.StartAsync(o => o.WebSocket.IdleTimeout = TimeSpan.FromMinutes(5), fakeTime: true);
        using var healthy = await server.ConnectAsync("/echo");
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");

        // A message that completes within the timeout (30 s by default) is fine, and its deadline goes with it.
        raw.SendText("slow but", fin: false);
        await PingPongAsync(raw); // the fragment has been read when the pong comes back
        await server.AdvanceAsync(TimeSpan.FromSeconds(20));
        raw.SendFrame(WebSocketOpcode.Continuation, " in time"u8);
        Assert.Equal("slow but in time", raw.ReadFrame()!.Text);
        await server.AdvanceAsync(TimeSpan.FromSeconds(20));
        raw.SendText("answered");
        Assert.Equal("answered", raw.ReadFrame()!.Text);

        // One that keeps trickling (each byte keeps the idle timeout away) is not.
        raw.SendText("never", fin: false);
        await PingPongAsync(raw);
        await server.AdvanceAsync(TimeSpan.FromSeconds(20));
        raw.SendFrame(WebSocketOpcode.Continuation, " ending"u8, fin: false);
        await PingPongAsync(raw);
        await server.AdvanceAsync(TimeSpan.FromSeconds(11));
        var close = ReadSkippingPings(raw);
        Assert.Equal(WebSocketOpcode.Close, close.Opcode);
        Assert.Equal(WebSocketCloseCode.PolicyViolation, close.CloseCode);
        Assert.Equal("message took too long", close.CloseReason);
        raw.SendClose(WebSocketCloseCode.PolicyViolation);
        Assert.True(raw.WaitForEndOfStream());

        await EchoTests.SendTextAsync(healthy, "unaffected");
        Assert.Equal("unaffected", await EchoTests.ReceiveTextAsync(healthy));
        await CloseAsync(healthy);
    }

    /// <summary>Closes a client that read nothing for a while: on virtual time the server's drain would wait for it.</summary>
    private static async Task CloseAsync(System.Net.WebSockets.ClientWebSocket client)
    {
        using var cts = new CancellationTokenSource(TestServer.Wait);
        await client.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "done", cts.Token);
    }

    [Fact]
    public async Task TheMessageTimeout_SetToZero_IsOff()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSocket.MessageTimeout = TimeSpan.Zero, fakeTime: true);
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        raw.SendText("patient", fin: false);
        for (int i = 0; i < 3; i++)
        {
            await PingPongAsync(raw);
            await server.AdvanceAsync(TimeSpan.FromSeconds(25));
        }
        raw.SendFrame(WebSocketOpcode.Continuation, " enough"u8);
        var frame = ReadSkippingPings(raw);
        Assert.Equal("patient enough", frame.Text);
    }

    [Fact]
    public async Task AClientThatKeepsSendingAfterIts1008_IsNotReadIntoTheServer_AndIsDroppedAfterTheCloseTimeout()
    {
        await using var server = await TestServer.StartAsync(fakeTime: true);
        using var healthy = await server.ConnectAsync("/echo");
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        raw.SendText("never", fin: false);
        await PingPongAsync(raw);
        await server.AdvanceAsync(TimeSpan.FromSeconds(31));
        var close = ReadSkippingPings(raw);
        Assert.Equal(WebSocketCloseCode.PolicyViolation, close.CloseCode);
        long before = await BytesReceivedAsync(server);

        // 16 MiB of frames that the server would decode and throw away, and no close frame.
        var frame = RawClient.Frame(WebSocketOpcode.Binary, new byte[64 * 1024]);
        var pushing = Task.Run(() =>
        {
            try
            {
                for (int i = 0; i < 256; i++) raw.Send(frame);
            }
            catch (SocketException)
            {
                // The server dropped the connection under the send: what this test expects.
            }
        });
        await server.AdvanceAsync(TimeSpan.FromSeconds(6)); // past the close timeout
        Assert.True(raw.WaitForEndOfStream());
        await pushing.WaitAsync(TestServer.Wait);

        long read = await BytesReceivedAsync(server) - before;
        Assert.True(read < 512 * 1024, $"the server read {read} bytes from a client after closing it with 1008");
        await EchoTests.SendTextAsync(healthy, "unaffected");
        Assert.Equal("unaffected", await EchoTests.ReceiveTextAsync(healthy));
        await CloseAsync(healthy);
    }

    /// <summary>The next frame other than the server's own pings (to a peer quiet for the ping interval).</summary>
    private static ReceivedFrame ReadSkippingPings(RawClient raw)
    {
        ReceivedFrame? frame;
        do frame = raw.ReadFrame();
        while (frame is { Opcode: WebSocketOpcode.Ping });
        Assert.NotNull(frame);
        return frame!;
    }

    /// <summary>A ping answered: everything the client sent before it has been read and decoded.</summary>
    private static Task PingPongAsync(RawClient raw)
    {
        raw.SendFrame(WebSocketOpcode.Ping, "p"u8);
        var pong = raw.ReadFrame();
        Assert.NotNull(pong);
        Assert.Equal(WebSocketOpcode.Pong, pong!.Opcode);
        return Task.CompletedTask;
    }
}
