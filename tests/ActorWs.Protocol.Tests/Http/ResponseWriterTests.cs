using System.Text;
using ActorWs.Protocol.Http;
using Xunit;

namespace ActorWs.Protocol.Tests.Http;

/// <summary>The 101 response (RFC 6455 §4.2.2), rejection responses and plain HTTP responses, byte for byte.</summary>
public class ResponseWriterTests
{
    private static string Text(byte[] buffer, int length) => Encoding.ASCII.GetString(buffer, 0, length);

    [Fact]
    public void Rfc6455_4_2_2_SwitchingProtocols_HasUpgradeConnectionAndAccept()
    {
        var buffer = new byte[512];
        Assert.True(HandshakeResponseWriter.TryWriteSwitchingProtocols(buffer, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", null, null, out int written));
        Assert.Equal(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
            Text(buffer, written));
        Assert.Equal(written, HandshakeResponseWriter.GetSwitchingProtocolsLength("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    [Fact]
    public void Rfc6455_4_2_2_SwitchingProtocols_CarriesSubprotocolAndExtensions()
    {
        var buffer = new byte[512];
        Assert.True(HandshakeResponseWriter.TryWriteSwitchingProtocols(buffer, "acc", "chat", "permessage-deflate; server_no_context_takeover", out int written));
        string text = Text(buffer, written);
        Assert.EndsWith("Sec-WebSocket-Accept: acc\r\nSec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n", text);
        Assert.Equal(written, HandshakeResponseWriter.GetSwitchingProtocolsLength("acc", "chat", "permessage-deflate; server_no_context_takeover"));
    }

    [Fact]
    public void Writers_ReturnFalseWhenTheDestinationIsTooSmall_AndTheSizeIsExact()
    {
        int needed = HandshakeResponseWriter.GetSwitchingProtocolsLength("acc", "chat");
        Assert.False(HandshakeResponseWriter.TryWriteSwitchingProtocols(new byte[needed - 1], "acc", "chat", null, out int written));
        Assert.Equal(0, written);
        Assert.True(HandshakeResponseWriter.TryWriteSwitchingProtocols(new byte[needed], "acc", "chat", null, out written));
        Assert.Equal(needed, written);
    }

    [Fact]
    public void Rfc6455_4_2_2_UnsupportedVersionRejection_Is426WithVersionHeaderAndReasonBody()
    {
        HandshakeRejection rejection = HandshakeRejection.UnsupportedVersion;
        var buffer = new byte[512];
        Assert.True(HandshakeResponseWriter.TryWriteRejection(buffer, rejection, out int written));
        Assert.Equal(
            "HTTP/1.1 426 Upgrade Required\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 33\r\n" +
            "Connection: Upgrade, close\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "Upgrade: websocket\r\n" +
            "\r\n" +
            "unsupported Sec-WebSocket-Version",
            Text(buffer, written));
        Assert.Equal(written, HandshakeResponseWriter.GetRejectionLength(rejection));
    }

    [Fact]
    public void Rfc9110_15_5_1_BadRequestRejection_HasCloseAndUtf8ReasonLength()
    {
        var rejection = HandshakeRejection.BadRequest("bad – key");
        var buffer = new byte[512];
        var date = new DateTimeOffset(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);
        Assert.True(HandshakeResponseWriter.TryWriteRejection(buffer, rejection, out int written, date));
        string text = Encoding.UTF8.GetString(buffer, 0, written);
        Assert.Equal(
            "HTTP/1.1 400 Bad Request\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 11\r\nConnection: close\r\n\r\nbad – key",
            text);
        Assert.Equal(written, HandshakeResponseWriter.GetRejectionLength(rejection, date));
    }

    [Fact]
    public void Rfc9112_PlainResponse_KeepAliveOmitsConnectionClose()
    {
        var buffer = new byte[256];
        Assert.True(HttpResponseWriter.TryWriteResponse(buffer, 200, "text/plain", "ok"u8, keepAlive: true, out int written));
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok", Text(buffer, written));
        Assert.Equal(written, HttpResponseWriter.GetResponseLength(200, "text/plain", 2, keepAlive: true));

        Assert.True(HttpResponseWriter.TryWriteResponse(buffer, 404, null, [], keepAlive: false, out written));
        Assert.Equal("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", Text(buffer, written));
    }

    [Fact]
    public void Rfc9110_HeadOnly_ForHeadRequestsAndExtraHeaders()
    {
        var head = new HttpResponseHead(405, 0, keepAlive: true) { ExtraHeaders = [new HttpHeaderField("Allow", "GET")] };
        var buffer = new byte[256];
        Assert.True(HttpResponseWriter.TryWriteHead(buffer, head, out int written));
        Assert.Equal("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nAllow: GET\r\n\r\n", Text(buffer, written));
        Assert.Equal(written, HttpResponseWriter.GetHeadLength(head));

        Assert.True(HttpResponseWriter.TryWriteHead(buffer, new HttpResponseHead(204, 0, true), out written));
        Assert.Equal("HTTP/1.1 204 No Content\r\n\r\n", Text(buffer, written));
    }

    [Fact]
    public void Rfc9110_5_5_HeaderInjection_IsRefused()
    {
        var buffer = new byte[256];
        var injected = new HttpResponseHead(200, 0, true) { ExtraHeaders = [new HttpHeaderField("X", "a\r\nSet-Cookie: b")] };
        Assert.Throws<ArgumentException>(() => HttpResponseWriter.TryWriteHead(buffer, injected, out _));
        var badName = new HttpResponseHead(200, 0, true) { ExtraHeaders = [new HttpHeaderField("X Y", "a")] };
        Assert.Throws<ArgumentException>(() => HttpResponseWriter.TryWriteHead(buffer, badName, out _));
        Assert.Throws<ArgumentException>(() => HandshakeResponseWriter.TryWriteSwitchingProtocols(buffer, "acc", "not a token", null, out _));
        Assert.Throws<ArgumentException>(() => HttpResponseWriter.TryWriteResponse(buffer, 42, null, [], true, out _));
        Assert.Throws<ArgumentException>(() => HttpResponseWriter.TryWriteResponse(buffer, new HttpResponseHead(200, 5, true), "ab"u8, out _));
    }

    [Fact]
    public void Rfc9110_15_StatusReasonPhrases()
    {
        Assert.Equal("Request Header Fields Too Large", HttpStatus.ReasonPhrase(431));
        Assert.Equal("Upgrade Required", HttpStatus.ReasonPhrase(426));
        Assert.Equal("Unknown", HttpStatus.ReasonPhrase(299));
    }
}
