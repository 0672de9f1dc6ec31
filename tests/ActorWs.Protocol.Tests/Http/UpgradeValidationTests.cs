using ActorWs.Protocol.Http;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Http;

/// <summary>RFC 6455 §4.2.1 handshake validation and the §4.2.2 accept value.</summary>
public class UpgradeValidationTests
{
    private static HandshakeRejection Reject(string request)
    {
        HttpRequestHead head = HeadParsing.ParseHead(request);
        Assert.False(WebSocketUpgradeValidator.TryValidate(head, out WebSocketUpgradeRequest? accepted, out HandshakeRejection? rejection));
        Assert.Null(accepted);
        return rejection;
    }

    [Fact]
    public void Rfc6455_4_2_2_AcceptValue_MatchesTheRfcExample()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketAccept.ComputeAcceptValue("dGhlIHNhbXBsZSBub25jZQ=="));
        Span<char> accept = stackalloc char[28];
        WebSocketAccept.WriteAcceptValue("dGhlIHNhbXBsZSBub25jZQ==", accept);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", accept.ToString());
        Assert.Throws<ArgumentException>(() => WebSocketAccept.WriteAcceptValue("k", new char[27]));
    }

    [Fact]
    public void Rfc6455_4_2_1_ValidRequest_ExposesPathQueryHostOriginKeyAndOffers()
    {
        HttpRequestHead head = HeadParsing.ParseHead(HeadParsing.ValidUpgrade);
        Assert.Equal(HttpRequestKind.WebSocketUpgrade, HttpRequestClassifier.Classify(head, out _));
        Assert.True(WebSocketUpgradeValidator.TryValidate(head, out WebSocketUpgradeRequest? request, out HandshakeRejection? rejection));
        Assert.Null(rejection);
        Assert.Equal("/chat", request.Path);
        Assert.Equal("room=1", request.Query);
        Assert.Equal("server.example.com", request.Host);
        Assert.Equal("http://example.com", request.Origin);
        Assert.Equal("dGhlIHNhbXBsZSBub25jZQ==", request.Key);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", request.AcceptValue);
        Assert.Equal(["chat", "superchat"], request.OfferedSubprotocols);
        Assert.Empty(request.ExtensionOffers);
        Assert.Same(head, request.Head);
    }

    [Fact]
    public void Rfc6455_4_2_1_OriginIsOptional()
    {
        HttpRequestHead head = HeadParsing.ParseHead(HeadParsing.UpgradeWith("Origin", null));
        Assert.True(WebSocketUpgradeValidator.TryValidate(head, out WebSocketUpgradeRequest? request, out _));
        Assert.Null(request.Origin);
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("WebSocket")]
    [InlineData("WEBSOCKET")]
    [InlineData("h2c, websocket")]
    public void Rfc6455_4_2_1_UpgradeTokenWebsocket_IsMatchedInAnyCase(string upgrade)
    {
        HttpRequestHead head = HeadParsing.ParseHead(HeadParsing.UpgradeWith("Upgrade", "Upgrade: " + upgrade));
        Assert.True(WebSocketUpgradeValidator.TryValidate(head, out _, out _));
    }

    [Theory]
    [InlineData("upgrade")]
    [InlineData("keep-alive, Upgrade")]
    [InlineData("UPGRADE")]
    public void Rfc6455_4_2_1_ConnectionTokenUpgrade_IsFoundInAList(string connection)
    {
        HttpRequestHead head = HeadParsing.ParseHead(HeadParsing.UpgradeWith("Connection", "Connection: " + connection));
        Assert.True(WebSocketUpgradeValidator.TryValidate(head, out _, out _));
    }

    [Fact]
    public void Rfc6455_4_2_1_MethodOtherThanGet_Is400()
    {
        HandshakeRejection rejection = Reject(HeadParsing.ValidUpgrade.Replace("GET ", "POST "));
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal("WebSocket handshake requires GET", rejection.Reason);
    }

    [Fact]
    public void Rfc6455_4_2_1_Http10_Is400()
    {
        HandshakeRejection rejection = Reject(HeadParsing.ValidUpgrade.Replace("HTTP/1.1", "HTTP/1.0"));
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal("WebSocket handshake requires HTTP/1.1 or later", rejection.Reason);
    }

    [Fact]
    public void Rfc6455_4_2_1_MissingHost_Is400()
    {
        HandshakeRejection rejection = Reject(HeadParsing.UpgradeWith("Host", null));
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal("missing Host header", rejection.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Upgrade: h2c")]
    [InlineData("Upgrade: websockets")]
    public void Rfc6455_4_2_1_UpgradeWithoutWebsocketToken_Is400(string? upgrade)
    {
        HandshakeRejection rejection = Reject(HeadParsing.UpgradeWith("Upgrade", upgrade));
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal("Upgrade header must include websocket", rejection.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Connection: keep-alive")]
    [InlineData("Connection: upgraded")]
    public void Rfc6455_4_2_1_ConnectionWithoutUpgradeToken_Is400(string? connection)
    {
        HandshakeRejection rejection = Reject(HeadParsing.UpgradeWith("Connection", connection));
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal("Connection header must include upgrade", rejection.Reason);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("12")]
    [InlineData("14")]
    [InlineData("13, 8")]
    [InlineData("")]
    public void Rfc6455_4_2_2_WrongVersion_Is426WithSupportedVersionHeader(string version)
    {
        HandshakeRejection rejection = Reject(HeadParsing.UpgradeWith("Sec-WebSocket-Version", "Sec-WebSocket-Version: " + version));
        Assert.Equal(426, rejection.StatusCode);
        Assert.Contains(new HttpHeaderField("Sec-WebSocket-Version", "13"), rejection.ExtraHeaders);
        Assert.Contains(new HttpHeaderField("Upgrade", "websocket"), rejection.ExtraHeaders);
    }

    [Fact]
    public void Rfc6455_4_2_1_MissingOrRepeatedVersion_Is400()
    {
        Assert.Equal("missing Sec-WebSocket-Version", Reject(HeadParsing.UpgradeWith("Sec-WebSocket-Version", null)).Reason);
        string twice = HeadParsing.UpgradeWith("Sec-WebSocket-Version", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13");
        Assert.Equal("multiple Sec-WebSocket-Version header fields", Reject(twice).Reason);
    }

    [Theory]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ")]       // no padding
    [InlineData("dGhlIHNhbXBsZSBub25jZQ=")]      // short padding
    [InlineData("dGhlIHNhbXBsZSBub25j")]         // 15 bytes' worth
    [InlineData("dGhlIHNhbXBsZSBub25jZXM=")]     // 17 bytes
    [InlineData("dGhlIHNhbXBsZSBub25jZR==")]     // non-zero padding bits
    [InlineData("dGhlIHNhbXBsZSBub25j*Q==")]     // not base64
    [InlineData("dGhlIHNhbX BsZSBub25jZQ==")]    // whitespace inside
    [InlineData("")]
    public void Rfc6455_4_2_1_KeyThatIsNotBase64Of16Bytes_Is400(string key)
    {
        HandshakeRejection rejection = Reject(HeadParsing.UpgradeWith("Sec-WebSocket-Key", "Sec-WebSocket-Key: " + key));
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal("Sec-WebSocket-Key must be base64 of 16 bytes", rejection.Reason);
    }

    [Fact]
    public void Rfc6455_11_3_1_MissingOrRepeatedKey_Is400()
    {
        Assert.Equal("missing Sec-WebSocket-Key", Reject(HeadParsing.UpgradeWith("Sec-WebSocket-Key", null)).Reason);
        string twice = HeadParsing.UpgradeWith("Sec-WebSocket-Key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==");
        Assert.Equal("multiple Sec-WebSocket-Key header fields", Reject(twice).Reason);
    }

    [Fact]
    public void Rfc6455_4_1_AnySixteenByteKey_IsValid()
    {
        var random = new Random(13);
        for (int i = 0; i < 200; i++)
        {
            byte[] nonce = new byte[16];
            random.NextBytes(nonce);
            Assert.True(WebSocketAccept.IsValidKey(Convert.ToBase64String(nonce)));
        }
    }

    [Fact]
    public void Rfc6455_4_2_1_SubprotocolThatIsNotAToken_Is400()
    {
        HandshakeRejection rejection = Reject(HeadParsing.UpgradeWith("Sec-WebSocket-Protocol", "Sec-WebSocket-Protocol: chat, s p"));
        Assert.Equal("invalid Sec-WebSocket-Protocol", rejection.Reason);
    }

    [Fact]
    public void Rfc6455_9_1_MalformedExtensions_Is400()
    {
        string request = HeadParsing.ValidUpgrade.Replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; =1\r\n\r\n");
        Assert.Equal("invalid Sec-WebSocket-Extensions", Reject(request).Reason);
    }

    [Fact]
    public void Rfc6455_9_1_ExtensionOffers_AreParsedIntoTheRequest()
    {
        string request = HeadParsing.ValidUpgrade.Replace("\r\n\r\n",
            "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-foo\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=\"10\"\r\n\r\n");
        Assert.True(WebSocketUpgradeValidator.TryValidate(HeadParsing.ParseHead(request), out WebSocketUpgradeRequest? upgrade, out _));
        Assert.Equal(["permessage-deflate", "x-foo", "permessage-deflate"], upgrade.ExtensionOffers.Select(o => o.Name));
        Assert.Equal(new WebSocketExtensionParameter("client_max_window_bits", null), Assert.Single(upgrade.ExtensionOffers[0].Parameters));
        Assert.Equal(new WebSocketExtensionParameter("server_max_window_bits", "10"), Assert.Single(upgrade.ExtensionOffers[2].Parameters));
    }

    [Fact]
    public void Rfc6454_RepeatedOrigin_Is400()
    {
        string request = HeadParsing.ValidUpgrade.Replace("\r\n\r\n", "\r\nOrigin: http://evil.example\r\n\r\n");
        Assert.Equal("multiple Origin header fields", Reject(request).Reason);
    }
}
