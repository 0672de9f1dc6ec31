using ActorWs.Protocol.Http;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Http;

/// <summary>Sorting requests into upgrade, plain HTTP and invalid (RFC 9110 §7, RFC 9112 §3.2 and §6).</summary>
public class RequestClassifierTests
{
    private static HttpRequestKind Classify(string request, out HandshakeRejection? rejection) =>
        HttpRequestClassifier.Classify(HeadParsing.ParseHead(request), out rejection);

    [Theory]
    [InlineData("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.0\r\n\r\n")]
    [InlineData("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")]
    public void Rfc9110_PlainRequests_AreClassifiedAsPlainHttp(string request)
    {
        Assert.Equal(HttpRequestKind.PlainHttp, Classify(request, out HandshakeRejection? rejection));
        Assert.Null(rejection);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nSec-WebSocket-Key: x\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nSec-WebSocket-Version: 8\r\n\r\n")]
    public void Rfc6455_4_2_1_AnyWebSocketIntent_IsClassifiedAsUpgrade(string request)
    {
        Assert.Equal(HttpRequestKind.WebSocketUpgrade, Classify(request, out _));
    }

    [Theory]
    [InlineData("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "only HTTP/1.x is supported")]
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400, "missing Host header")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "multiple Host header fields")]
    [InlineData("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid Host header")]
    [InlineData("GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", 400, "invalid Host header")]
    [InlineData("GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n", 400, "invalid Host header")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both Transfer-Encoding and Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\n", 400, "invalid Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "invalid Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "unsupported Transfer-Encoding")]
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "unsupported Transfer-Encoding")]
    public void Rfc9112_InvalidMessages_AreRejectedWithStatusAndReason(string request, int status, string reason)
    {
        Assert.Equal(HttpRequestKind.Invalid, Classify(request, out HandshakeRejection? rejection));
        Assert.Equal(status, rejection!.StatusCode);
        Assert.Equal(reason, rejection.Reason);
    }

    [Fact]
    public void Rfc9112_3_2_Http10WithoutHost_IsPlainHttp()
    {
        Assert.Equal(HttpRequestKind.PlainHttp, Classify("GET / HTTP/1.0\r\n\r\n", out _));
    }

    [Fact]
    public void Rfc9112_6_1_ChunkedFlag_FollowsTheLastCoding()
    {
        Assert.True(HeadParsing.ParseHead("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n").IsChunked);
        Assert.False(HeadParsing.ParseHead("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n").IsChunked);
    }
}
