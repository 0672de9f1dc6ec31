using System.Text;
using ActorWs.Protocol.Http;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Http;

/// <summary>RFC 9112 request-head syntax, limits and the incremental contract.</summary>
public class RequestHeadParserTests
{
    [Fact]
    public void Rfc9112_3_RequestLine_IsSplitIntoMethodTargetVersion()
    {
        HttpRequestHead head = HeadParsing.ParseHead(HeadParsing.ValidUpgrade);
        Assert.Equal("GET", head.Method);
        Assert.Equal("/chat?room=1", head.Target);
        Assert.Equal("/chat", head.Path);
        Assert.Equal("room=1", head.Query);
        Assert.Equal(HttpRequestTargetForm.Origin, head.TargetForm);
        Assert.Equal(new HttpProtocolVersion(1, 1), head.Version);
        Assert.Equal(7, head.Headers.Count);
    }

    [Fact]
    public void Rfc9112_Incremental_CompleteReportsOnlyTheHeadBytesOfTheLastChunk()
    {
        byte[] head = Encoding.ASCII.GetBytes(HeadParsing.ValidUpgrade);
        byte[] withFrame = [.. head, 0x81, 0x80, 1, 2, 3, 4];
        ParsedHead parsed = HeadParsing.Parse(withFrame);
        Assert.Equal(HttpHeadParseStatus.Complete, parsed.Status);
        Assert.Equal(head.Length, parsed.Consumed);

        // Split so the last chunk holds the end of the head and the frame: consumed counts only the head's part.
        using var parser = new HttpRequestHeadParser();
        Assert.Equal(HttpHeadParseStatus.NeedMore, parser.Feed(withFrame.AsSpan(0, 50)).Status);
        HttpHeadParseResult result = parser.Feed(withFrame.AsSpan(50));
        Assert.Equal(HttpHeadParseStatus.Complete, result.Status);
        Assert.Equal(head.Length - 50, result.Consumed);
    }

    [Fact]
    public void Rfc9112_Incremental_EverySplitPointGivesTheSameHead()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(HeadParsing.ValidUpgrade);
        string expected = HeadParsing.Parse(bytes).Summary;
        for (int split = 1; split < bytes.Length; split++)
        {
            bool first = true;
            int at = split;
            ParsedHead parsed = HeadParsing.ParseInPieces(bytes, null, remaining =>
            {
                int size = first ? at : remaining;
                first = false;
                return size;
            });
            Assert.Equal(expected, parsed.Summary);
        }
    }

    [Fact]
    public void Rfc9110_5_1_HeaderNames_AreCaseInsensitive_AndValuesKeepOrder()
    {
        HttpRequestHead head = HeadParsing.ParseHead("GET / HTTP/1.1\r\nhOsT: a\r\nX-Multi: one\r\nx-multi: two\r\n\r\n");
        Assert.True(head.Headers.TryGetValue("HOST", out string? host));
        Assert.Equal("a", host);
        Assert.Equal(["one", "two"], head.Headers.GetValues("X-MULTI"));
        Assert.Equal(2, head.Headers.CountOf("x-Multi"));
        Assert.False(head.Headers.TryGetValue("Missing", out _));
        Assert.Empty(head.Headers.GetValues("Missing"));
    }

    [Fact]
    public void Rfc9110_5_6_1_TokenLists_SpanLinesAndSkipEmptyElements()
    {
        HttpRequestHead head = HeadParsing.ParseHead("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, ,Upgrade\r\nConnection: x\r\n\r\n");
        Assert.Equal(["keep-alive", "Upgrade", "x"], head.Headers.GetListElements("connection"));
        Assert.True(head.Headers.ContainsToken("Connection", "upgrade"));
        Assert.False(head.Headers.ContainsToken("Connection", "upgrad"));
    }

    [Fact]
    public void Rfc9112_5_FieldValue_IsTrimmedOfOptionalWhitespace_AndObsTextIsLatin1()
    {
        HttpRequestHead head = HeadParsing.ParseHead("GET / HTTP/1.1\r\nHost: a\r\nX-Pad: \t  v a l \t\r\nX-Empty:\r\nX-Latin: caf\xE9\r\n\r\n");
        Assert.Equal("v a l", head.Headers.GetValues("X-Pad")[0]);
        Assert.Equal("", head.Headers.GetValues("X-Empty")[0]);
        Assert.Equal("café", head.Headers.GetValues("X-Latin")[0]);
    }

    [Fact]
    public void Rfc9112_2_2_BareLf_IsRejectedWith400()
    {
        ParsedHead parsed = HeadParsing.Parse("GET / HTTP/1.1\nHost: a\n\n");
        Assert.Equal(HttpHeadParseStatus.Error, parsed.Status);
        Assert.Equal(400, parsed.ErrorStatusCode);
        Assert.Equal("bare LF line ending", parsed.ErrorReason);

        parsed = HeadParsing.Parse("GET / HTTP/1.1\r\nHost: a\r\n\n");
        Assert.Equal("bare LF line ending", parsed.ErrorReason);
    }

    [Fact]
    public void Rfc9112_2_2_BareCr_IsRejectedWith400()
    {
        ParsedHead parsed = HeadParsing.Parse("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n");
        Assert.Equal(400, parsed.ErrorStatusCode);
        Assert.Equal("bare CR in request head", parsed.ErrorReason);
    }

    [Fact]
    public void Rfc9112_2_2_EmptyLinesBeforeRequestLine_AreIgnored()
    {
        HttpRequestHead head = HeadParsing.ParseHead("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal("/x", head.Target);
    }

    [Fact]
    public void Rfc9112_5_2_ObsFold_IsRejectedWith400()
    {
        ParsedHead parsed = HeadParsing.Parse("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n");
        Assert.Equal(400, parsed.ErrorStatusCode);
        Assert.Equal("obsolete line folding or whitespace before a field", parsed.ErrorReason);
    }

    [Fact]
    public void Rfc9112_2_2_WhitespaceBeforeFirstField_IsRejectedWith400()
    {
        Assert.Equal(400, HeadParsing.Parse("GET / HTTP/1.1\r\n\tHost: a\r\n\r\n").ErrorStatusCode);
    }

    [Fact]
    public void Rfc9112_5_1_WhitespaceBetweenNameAndColon_IsRejectedWith400()
    {
        ParsedHead parsed = HeadParsing.Parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n");
        Assert.Equal(400, parsed.ErrorStatusCode);
        Assert.Equal("invalid header field name", parsed.ErrorReason);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "header field without colon")]
    [InlineData("GET / HTTP/1.1\r\n: value\r\n\r\n", "invalid header field name")]
    [InlineData("GET / HTTP/1.1\r\nX(y): v\r\n\r\n", "invalid header field name")]
    [InlineData("GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n", "invalid character in header field value")]
    [InlineData("GET / HTTP/1.1\r\nX: a\u007Fb\r\n\r\n", "invalid character in header field value")]
    [InlineData("G(T / HTTP/1.1\r\n\r\n", "invalid method")]
    [InlineData(" / HTTP/1.1\r\n\r\n", "invalid method")]
    [InlineData("GET\r\n\r\n", "invalid method")]
    [InlineData("GET  / HTTP/1.1\r\n\r\n", "invalid request target")]
    [InlineData("GET /a\u00FF HTTP/1.1\r\n\r\n", "invalid request target")]
    [InlineData("GET /a#frag HTTP/1.1\r\n\r\n", "invalid request target")]
    [InlineData("GET / HTTP/1.1 \r\n\r\n", "invalid HTTP version")]
    [InlineData("GET / http/1.1\r\n\r\n", "invalid HTTP version")]
    [InlineData("GET / HTTP/1.10\r\n\r\n", "invalid HTTP version")]
    [InlineData("GET / HTTP/x.1\r\n\r\n", "invalid HTTP version")]
    [InlineData("GET /\r\n\r\n", "invalid request target")]
    public void Rfc9112_3_And_5_MalformedLines_AreRejectedWith400AndAPreciseReason(string request, string reason)
    {
        ParsedHead parsed = HeadParsing.Parse(request);
        Assert.Equal(HttpHeadParseStatus.Error, parsed.Status);
        Assert.Equal(400, parsed.ErrorStatusCode);
        Assert.Equal(reason, parsed.ErrorReason);
    }

    [Fact]
    public void Limits_HeadOfExactly8KiB_IsAccepted_OneByteMoreIs431()
    {
        string Build(int totalLength)
        {
            string start = "GET / HTTP/1.1\r\nHost: a\r\nX-Fill: ";
            string end = "\r\n\r\n";
            return start + new string('f', totalLength - start.Length - end.Length) + end;
        }

        Assert.Equal(HttpHeadParseStatus.Complete, HeadParsing.Parse(Build(8192)).Status);
        ParsedHead over = HeadParsing.Parse(Build(8193));
        Assert.Equal(431, over.ErrorStatusCode);
        Assert.Equal("request head too large", over.ErrorReason);
    }

    [Fact]
    public void Limits_OverlongHeadWithoutLineEnd_Fails431AsSoonAsTheLimitIsPassed()
    {
        using var parser = new HttpRequestHeadParser(new HttpRequestHeadLimits { MaxHeadBytes = 100 });
        Assert.Equal(HttpHeadParseStatus.NeedMore, parser.Feed(new byte[100]).Status);
        HttpHeadParseResult result = parser.Feed(new byte[1]);
        Assert.Equal(HttpHeadParseStatus.Error, result.Status);
        Assert.Equal(431, result.ErrorStatusCode);
    }

    [Fact]
    public void Limits_100Fields_AreAccepted_101Are431()
    {
        string Build(int fields) => "GET / HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, fields).Select(i => $"X-{i}: v\r\n")) + "\r\n";
        Assert.Equal(HttpHeadParseStatus.Complete, HeadParsing.Parse(Build(100)).Status);
        ParsedHead over = HeadParsing.Parse(Build(101));
        Assert.Equal(431, over.ErrorStatusCode);
        Assert.Equal("too many header fields", over.ErrorReason);
    }

    [Fact]
    public void Limits_AreConfigurable()
    {
        var limits = new HttpRequestHeadLimits { MaxHeadBytes = 64, MaxHeaderFields = 1 };
        Assert.Equal(431, HeadParsing.Parse("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", limits).ErrorStatusCode);
        Assert.Equal(431, HeadParsing.Parse("GET /" + new string('a', 64) + " HTTP/1.1\r\n\r\n", limits).ErrorStatusCode);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpRequestHeadLimits { MaxHeadBytes = 3 });
    }

    [Fact]
    public void Incremental_OutcomeIsSticky_UntilReset_ThenTheParserIsReusable()
    {
        using var parser = new HttpRequestHeadParser();
        byte[] request = Encoding.ASCII.GetBytes("GET /one HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(HttpHeadParseStatus.Complete, parser.Feed(request).Status);
        HttpHeadParseResult again = parser.Feed(request);
        Assert.Equal(HttpHeadParseStatus.Complete, again.Status);
        Assert.Equal(0, again.Consumed);

        parser.Reset();
        Assert.Null(parser.Head);
        HttpHeadParseResult second = parser.Feed(Encoding.ASCII.GetBytes("GET /two HTTP/1.1\r\nHost: a\r\n\r\n"));
        Assert.Equal("/two", second.Head!.Path);
    }

    [Theory]
    [InlineData("http://example.com:8080/a/b?x=1", HttpRequestTargetForm.Absolute, "/a/b", "x=1")]
    [InlineData("http://example.com", HttpRequestTargetForm.Absolute, "/", "")]
    [InlineData("http://example.com?q", HttpRequestTargetForm.Absolute, "/", "q")]
    [InlineData("example.com:443", HttpRequestTargetForm.Authority, "", "")]
    [InlineData("*", HttpRequestTargetForm.Asterisk, "*", "")]
    [InlineData("/p?", HttpRequestTargetForm.Origin, "/p", "")]
    [InlineData("/p?a=1?b", HttpRequestTargetForm.Origin, "/p", "a=1?b")]
    public void Rfc9112_3_2_RequestTargetForms_SplitPathAndQuery(string target, HttpRequestTargetForm form, string path, string query)
    {
        HttpRequestHead head = HeadParsing.ParseHead($"GET {target} HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(form, head.TargetForm);
        Assert.Equal(path, head.Path);
        Assert.Equal(query, head.Query);
    }

    [Fact]
    public void Rfc9110_8_6_ContentLength_IsReadWhenSingleAndDecimal()
    {
        Assert.True(HeadParsing.ParseHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n").TryGetContentLength(out long length));
        Assert.Equal(42, length);
        Assert.True(HeadParsing.ParseHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n").TryGetContentLength(out length));
        Assert.Equal(5, length);
        Assert.False(HeadParsing.ParseHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n").TryGetContentLength(out _));
        Assert.False(HeadParsing.ParseHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n").TryGetContentLength(out _));
        Assert.False(HeadParsing.ParseHead("GET / HTTP/1.1\r\nHost: a\r\n\r\n").TryGetContentLength(out _));
    }
}
