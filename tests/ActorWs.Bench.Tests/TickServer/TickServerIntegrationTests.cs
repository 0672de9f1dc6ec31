using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorWs.Bench.TickServer;
using ActorWs.Server.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorWs.Bench.Tests.TickServer;

/// <summary>
/// The tick server in-process on a loopback port, driven by .NET's WebSocket client through the same protocol
/// steps as the C generator's tick mode: welcome, joinOrCreate, then numbered binary deliveries.
/// </summary>
public sealed class TickServerIntegrationTests : IAsyncLifetime
{
    /// <summary>Every wait is bounded by this; a tick comes every 33 ms, so it is only reached when something is broken.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private const int PayloadBytes = 64;

    private readonly CancellationTokenSource _deadline = new(Deadline);
    private RunningTickServer? _server;

    private Uri WsUri => new($"ws://127.0.0.1:{_server!.LocalEndPoint.Port}/ws");

    public async Task InitializeAsync()
    {
        _server = await TickServerHost.StartAsync(new TickServerArguments("127.0.0.1", 0, 30, PayloadBytes), NullLoggerFactory.Instance, _deadline.Token);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync().WaitAsync(Deadline);
            await _server.DisposeAsync();
        }

        _deadline.Dispose();
    }

    private async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(length), _deadline.Token);
            Assert.NotEqual(WebSocketMessageType.Close, received.MessageType);
            length += received.Count;
            if (received.EndOfMessage)
            {
                return (received.MessageType, buffer[..length]);
            }
        }
    }

    private async Task<JsonElement> ReceiveTextAsync(ClientWebSocket socket, Func<JsonElement, bool> wanted)
    {
        while (true)
        {
            var (type, bytes) = await ReceiveAsync(socket);
            if (type == WebSocketMessageType.Text)
            {
                var json = JsonDocument.Parse(bytes).RootElement;
                if (wanted(json))
                {
                    return json;
                }
            }
        }
    }

    /// <summary>Connects, waits for the welcome, joins the tick room type, and returns the room id.</summary>
    private async Task<string> JoinAsync(ClientWebSocket socket)
    {
        await socket.ConnectAsync(WsUri, _deadline.Token);
        await ReceiveTextAsync(socket, j => j.GetProperty("op").GetString() == "welcome");
        var request = Encoding.UTF8.GetBytes($$"""{"op":"joinOrCreate","type":"{{TickBenchRoom.TypeName}}","ref":1}""");
        await socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, _deadline.Token);
        var reply = await ReceiveTextAsync(socket, j => j.TryGetProperty("ref", out var r) && r.ValueKind == JsonValueKind.Number && r.GetInt32() == 1);
        Assert.Equal("reply", reply.GetProperty("op").GetString());
        Assert.Equal("ok", reply.GetProperty("status").GetString());
        return reply.GetProperty("room").GetString()!;
    }

    private async Task<(uint Seq, byte[] Payload)> ReceiveDeliveryAsync(ClientWebSocket socket)
    {
        while (true)
        {
            var (type, bytes) = await ReceiveAsync(socket);
            if (type == WebSocketMessageType.Binary)
            {
                Assert.Equal(sizeof(uint) + PayloadBytes, bytes.Length);
                return (BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes[sizeof(uint)..]);
            }
        }
    }

    [Fact]
    public async Task Every_tick_delivers_a_numbered_payload_stamped_with_the_servers_monotonic_clock()
    {
        using var client = new ClientWebSocket();
        var joinedAt = TickPayload.NowNanoseconds();
        Assert.Equal(TickBenchRoom.TypeName + "-1", await JoinAsync(client));

        var (firstSeq, first) = await ReceiveDeliveryAsync(client);
        var receivedAt = TickPayload.NowNanoseconds();
        var (secondSeq, second) = await ReceiveDeliveryAsync(client);

        var sentAt = BinaryPrimitives.ReadInt64LittleEndian(first);
        Assert.InRange(sentAt, joinedAt, receivedAt);
        Assert.All(first[TickPayload.TimestampBytes..], b => Assert.Equal(TickPayload.Filler, b));
        Assert.Equal(firstSeq + 1, secondSeq);
        Assert.True(BinaryPrimitives.ReadInt64LittleEndian(second) > sentAt, "ticks are stamped in order");
    }

    [Fact]
    public async Task Clients_joining_one_after_another_share_one_room_and_get_the_same_tick()
    {
        using var first = new ClientWebSocket();
        using var second = new ClientWebSocket();
        var room = await JoinAsync(first);
        Assert.Equal(room, await JoinAsync(second));

        // The second client's first delivery is a tick the first client gets too, with the same stamp.
        var (_, secondsTick) = await ReceiveDeliveryAsync(second);
        var stamp = BinaryPrimitives.ReadInt64LittleEndian(secondsTick);
        long seen;
        do
        {
            var (_, payload) = await ReceiveDeliveryAsync(first);
            seen = BinaryPrimitives.ReadInt64LittleEndian(payload);
        }
        while (seen < stamp);

        Assert.Equal(stamp, seen);
    }

    [Fact]
    public async Task The_default_routes_and_health_are_served_alongside()
    {
        using var http = new HttpClient();
        var health = await http.GetAsync(new Uri($"http://127.0.0.1:{_server!.LocalEndPoint.Port}/health"), _deadline.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);

        using var echo = new ClientWebSocket();
        await echo.ConnectAsync(new Uri($"ws://127.0.0.1:{_server.LocalEndPoint.Port}/echo"), _deadline.Token);
        await echo.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, _deadline.Token);
        var (type, bytes) = await ReceiveAsync(echo);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal("ping"u8.ToArray(), bytes);
    }

    [Fact]
    public async Task The_server_runs_in_an_actor_system_of_its_own_with_the_servers_Akka_settings_and_stopping_terminates_it()
    {
        var system = _server!.System;
        Assert.Same(system, _server.Server.System);
        Assert.Equal(TickServerHost.SystemName, system.Name);
        Assert.True(ActorWsDispatch.IsConfigured(system), "the lean mailbox and the room dispatcher are configured");
        Assert.Equal("WARNING", system.Settings.LogLevel);
        Assert.Equal(
            _server.Server.Options.DrainTimeout + TimeSpan.FromSeconds(5),
            system.Settings.Config.GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout"));

        await _server.StopAsync().WaitAsync(Deadline);
        await system.WhenTerminated.WaitAsync(Deadline);
        Assert.Null(_server.Server.LocalEndPoint is { } endPoint ? await TryConnectAsync(endPoint.Port) : null);
    }

    /// <summary>Null when nothing accepts connections on the port any more, else a description of what answered.</summary>
    private static async Task<string?> TryConnectAsync(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5));
            return "a connection was accepted after the stop";
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }
}
