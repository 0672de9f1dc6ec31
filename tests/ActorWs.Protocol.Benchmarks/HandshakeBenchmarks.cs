using System.Text;
using ActorWs.Protocol.Http;
using BenchmarkDotNet.Attributes;

namespace ActorWs.Protocol.Benchmarks;

/// <summary>The opening handshake: parsing a browser-sized request head, and the whole path to the 101 response.</summary>
[MemoryDiagnoser]
public class HandshakeBenchmarks
{
    private static readonly string[] Supported = ["chat"];

    private readonly byte[] _request = Encoding.ASCII.GetBytes(
        "GET /chat?room=lobby HTTP/1.1\r\n" +
        "Host: game.example.com:8080\r\n" +
        "Connection: Upgrade\r\n" +
        "Pragma: no-cache\r\n" +
        "Cache-Control: no-cache\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36\r\n" +
        "Upgrade: websocket\r\n" +
        "Origin: https://game.example.com\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "Accept-Encoding: gzip, deflate, br\r\n" +
        "Accept-Language: en-US,en;q=0.9\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Protocol: chat, superchat\r\n" +
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
        "\r\n");

    private readonly HttpRequestHeadParser _parser = new();
    private readonly byte[] _response = new byte[512];

    [Benchmark]
    public HttpRequestHead ParseRequestHead()
    {
        _parser.Reset();
        return _parser.Feed(_request).Head!;
    }

    [Benchmark]
    public int ParseValidateAndWrite101()
    {
        _parser.Reset();
        HttpRequestHead head = _parser.Feed(_request).Head!;
        if (HttpRequestClassifier.Classify(head, out _) != HttpRequestKind.WebSocketUpgrade
            || !WebSocketUpgradeValidator.TryValidate(head, out WebSocketUpgradeRequest? upgrade, out _))
        {
            throw new InvalidOperationException("The sample handshake must be valid.");
        }

        string? subprotocol = WebSocketSubprotocols.Negotiate(upgrade.OfferedSubprotocols, Supported);
        HandshakeResponseWriter.TryWriteSwitchingProtocols(_response, upgrade.AcceptValue, subprotocol, null, out int written);
        return written;
    }
}
