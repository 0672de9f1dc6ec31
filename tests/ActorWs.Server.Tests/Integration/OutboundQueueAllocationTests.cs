using System.Globalization;
using System.Net.WebSockets;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// A connection whose turn queues more than its write buffer holds keeps the rest in a queue of frames until they are
/// sent; a busy room's members do that nearly every turn, so the queue is reused rather than made anew each time.
/// </summary>
public sealed class OutboundQueueAllocationTests
{
    /// <summary>Frames answered to each binary message: more than the 16 KiB write buffer takes at once.</summary>
    private const int FramesPerTurn = 1000;

    /// <summary>
    /// Answers each binary message with <see cref="FramesPerTurn"/> small frames, and reads its thread's allocation counter
    /// at two given messages; the text message "report" is answered with the bytes allocated between them. It runs on
    /// the connection's I/O thread, so it sees what the connection allocated meanwhile (queueing and sending included).
    /// </summary>
    private sealed class BurstingHandler(int from, int to) : WebSocketHandler
    {
        private readonly byte[] _payload = new byte[24];
        private int _count;
        private long _atFrom;
        private long _atTo;

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            if (message.Type == WebSocketMessageType.Text)
            {
                session.SendText((_atTo - _atFrom).ToString(CultureInfo.InvariantCulture));
                return;
            }
            _count++;
            if (_count == from) _atFrom = GC.GetAllocatedBytesForCurrentThread();
            if (_count == to) _atTo = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < FramesPerTurn; i++) session.Send(_payload, WebSocketMessageType.Binary);
        }
    }

    [Fact]
    public async Task TurnsThatQueueMoreThanTheWriteBuffer_AllocateNothingForTheQueue_OnceWarm()
    {
        const int from = 20, to = 60;
        await using var server = await TestServer.StartAsync(o => o.IoThreads = 1, s => s.MapRoute("/burst", () => new BurstingHandler(from, to)));
        using var client = RawClient.Connect(server.EndPoint);
        client.Upgrade("/burst");

        for (int turn = 1; turn <= to; turn++)
        {
            client.SendFrame(WebSocketOpcode.Binary, [1]);
            // Every frame of this turn arrives (the client reads them all before the next turn, so none waits on the socket).
            for (int i = 0; i < FramesPerTurn; i++) Assert.Equal(WebSocketOpcode.Binary, client.ReadFrame()!.Opcode);
        }
        client.SendText("report");
        long allocated = long.Parse(client.ReadFrame()!.Text, CultureInfo.InvariantCulture);

        // 40 turns that each queued hundreds of frames behind the write buffer: a queue made per turn took about 16 KiB
        // each (its array grown from 4 to 512 frames; 663,360 bytes over the 40, measured), reused there is nothing per turn.
        Assert.InRange(allocated, 0, 16 * 1024);
    }
}
