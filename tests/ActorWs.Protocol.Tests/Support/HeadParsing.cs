using System.Text;
using ActorWs.Protocol.Http;
using Xunit;

namespace ActorWs.Protocol.Tests.Support;

/// <summary>The outcome of parsing a whole input, flattened for comparison.</summary>
internal sealed record ParsedHead(HttpHeadParseStatus Status, int Consumed, int ErrorStatusCode, string? ErrorReason, HttpRequestHead? Head)
{
    public string Summary =>
        $"{Status} consumed={(Status == HttpHeadParseStatus.Error ? "-" : Consumed)} error={ErrorStatusCode} {ErrorReason} " +
        (Head is null ? "" : $"{Head.Method} {Head.Target} {Head.Version} " + string.Join("|", Head.Headers.Select(h => $"{h.Name}={h.Value}")));
}

/// <summary>Feeds request-head bytes to a parser whole and one byte at a time and insists on the same outcome.</summary>
internal static class HeadParsing
{
    public static ParsedHead Parse(string text, HttpRequestHeadLimits? limits = null) => Parse(Encoding.Latin1.GetBytes(text), limits);

    public static ParsedHead Parse(byte[] bytes, HttpRequestHeadLimits? limits = null)
    {
        ParsedHead whole = ParseInPieces(bytes, limits, _ => bytes.Length);
        ParsedHead byteByByte = ParseInPieces(bytes, limits, _ => 1);
        Assert.Equal(whole.Summary, byteByByte.Summary);
        return whole;
    }

    /// <summary>Feeds pieces until the parser completes or fails; Consumed is the total over all pieces.</summary>
    public static ParsedHead ParseInPieces(byte[] bytes, HttpRequestHeadLimits? limits, Func<int, int> nextPieceSize)
    {
        using var parser = new HttpRequestHeadParser(limits ?? HttpRequestHeadLimits.Default);
        int offset = 0;
        int consumedTotal = 0;
        HttpHeadParseResult result = default;
        while (offset < bytes.Length)
        {
            int size = Math.Clamp(nextPieceSize(bytes.Length - offset), 1, bytes.Length - offset);
            result = parser.Feed(bytes.AsSpan(offset, size));
            Assert.InRange(result.Consumed, 0, size);
            consumedTotal += result.Consumed;
            offset += size;
            if (result.Status != HttpHeadParseStatus.NeedMore)
            {
                break;
            }

            Assert.Equal(size, result.Consumed);
        }

        if (result.Status == HttpHeadParseStatus.Error)
        {
            Assert.Equal(0, result.Consumed);
            Assert.Contains(result.ErrorStatusCode, new[] { 400, 431 });
            Assert.False(string.IsNullOrEmpty(result.ErrorReason));
        }

        if (result.Status == HttpHeadParseStatus.Complete)
        {
            Assert.Same(result.Head, parser.Head);
        }

        return new ParsedHead(result.Status, consumedTotal, result.ErrorStatusCode, result.ErrorReason, result.Head);
    }

    public static HttpRequestHead ParseHead(string text)
    {
        ParsedHead parsed = Parse(text);
        Assert.Equal(HttpHeadParseStatus.Complete, parsed.Status);
        return parsed.Head!;
    }

    public const string ValidUpgrade =
        "GET /chat?room=1 HTTP/1.1\r\n" +
        "Host: server.example.com\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Origin: http://example.com\r\n" +
        "Sec-WebSocket-Protocol: chat, superchat\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "\r\n";

    /// <summary>The valid upgrade with one header line replaced (or removed when <paramref name="replacement"/> is null).</summary>
    public static string UpgradeWith(string headerName, string? replacement)
    {
        IEnumerable<string> lines = ValidUpgrade.Split("\r\n")
            .Where(l => l.Length > 0)
            .Select(l => l.StartsWith(headerName + ":", StringComparison.OrdinalIgnoreCase) ? replacement : l)
            .Where(l => l is not null)!;
        return string.Join("\r\n", lines) + "\r\n\r\n";
    }
}
