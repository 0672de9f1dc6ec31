using System.Net.WebSockets;
using System.Security.Cryptography;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Options;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// The same server on the portable transport (.NET sockets through streams, as on Windows and macOS and under
/// TLS): the scenarios where the two transports' mechanics differ most.
/// </summary>
public sealed class PortableTransportTests
{
    private static Task<TestServer> Start(Action<ServerOptions>? options = null) =>
        TestServer.StartAsync(options, transport: TransportKind.Sockets);

    [Fact]
    public async Task Echo_ManyMessagesAndSizes_InOrder()
    {
        await using var server = await Start();
        using var client = await server.ConnectAsync("/echo");
        foreach (int size in new[] { 0, 1, 126, 65536, 3 * 1024 * 1024 })
        {
            var payload = RandomNumberGenerator.GetBytes(size);
            await EchoTests.SendAsync(client, payload);
            Assert.Equal(payload, (await EchoTests.ReceiveWholeAsync(client)).Payload);
        }
        for (int i = 0; i < 200; i++) await EchoTests.SendTextAsync(client, $"m{i}");
        for (int i = 0; i < 200; i++) Assert.Equal($"m{i}", await EchoTests.ReceiveTextAsync(client));
    }

    [Fact]
    public async Task HttpKeepAlive_AndCloseHandshake()
    {
        await using var server = await Start();
        using (var raw = RawClient.Connect(server.EndPoint))
        {
            raw.Send("GET /health HTTP/1.1\r\nHost: a\r\n\r\nGET /ready HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            Assert.Equal(200, raw.ReadHttpResponse().Status);
            Assert.Equal(200, raw.ReadHttpResponse().Status);
            Assert.True(raw.WaitForEndOfStream());
        }
        using var ws = RawClient.Connect(server.EndPoint);
        ws.Upgrade("/echo");
        ws.SendClose(1000, "done");
        Assert.Equal(1000, ws.ReadUntilClose()!.CloseCode);
        Assert.True(ws.WaitForEndOfStream());
    }

    [Fact]
    public async Task ProtocolErrors_AreClosedWithTheirCode()
    {
        await using var server = await Start();
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        raw.SendFrame(WebSocketOpcode.Text, "x"u8, masked: false);
        Assert.Equal(WebSocketCloseCode.ProtocolError, raw.ReadUntilClose()!.CloseCode);
    }

    [Fact]
    public async Task AHundredClients_EchoConcurrently()
    {
        await using var server = await Start();
        var clients = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => server.ConnectAsync("/echo")));
        try
        {
            await Task.WhenAll(clients.Select(async (c, i) =>
            {
                for (int round = 0; round < 5; round++)
                {
                    await EchoTests.SendTextAsync(c, $"{i}:{round}");
                    Assert.Equal($"{i}:{round}", await EchoTests.ReceiveTextAsync(c));
                }
            }));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    [Fact]
    public async Task ShutdownClosesWith1001()
    {
        var server = await Start();
        using var client = await server.ConnectAsync("/echo");
        var stopping = server.Server.StopAsync();
        var (type, _) = await EchoTests.ReceiveWholeAsync(client);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(TestServer.Wait).Token);
        await stopping.WaitAsync(TestServer.Wait);
        await server.DisposeAsync();
    }
}
