using System.Text;
using ActorWs.Protocol.Http;
using ActorWs.Protocol.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ActorWs.Protocol.Tests.Http;

/// <summary>FsCheck properties of the request-head parser and the handshake pipeline.</summary>
public class HeadParserPropertyTests
{
    private static readonly string[] Fragments =
    [
        "GET ", "POST ", "/", "/chat?x=1", " HTTP/1.1", " HTTP/1.0", " HTTP/2.0", "\r\n", "\n", "\r", "Host: a", "Host:", " ",
        "\t", ":", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13", "Sec-WebSocket-Extensions: a; b=\"c\"", "Sec-WebSocket-Protocol: p, q",
        "Content-Length: 5", "Transfer-Encoding: chunked", "\u00e9", "\u0000", "#", ",", ";", "=", "\"",
    ];

    private static readonly string[] RequestLines =
    [
        "GET /chat HTTP/1.1", "GET /chat?room=1 HTTP/1.1", "POST / HTTP/1.1", "GET / HTTP/1.0", "GET * HTTP/2.0",
        "GET http://a/b HTTP/1.1",
    ];

    private static readonly string[] GoodFieldLines =
    [
        "Host: server.example", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: chat, v2", "Origin: http://example.com",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
    ];

    private static readonly string[] BadFieldLines =
    [
        "Host: a b", "Upgrade: h2c", "Connection: close", "Sec-WebSocket-Key: short", "Sec-WebSocket-Version: 8",
        "Sec-WebSocket-Protocol: a b", "Sec-WebSocket-Extensions: ;;", "Content-Length: 5", "Content-Length: x",
        "Transfer-Encoding: chunked",
    ];

    /// <summary>Mostly-good field lines (each kept 9 times in 10) plus, half of the time, some bad ones, shuffled.</summary>
    private static Gen<string[]> FieldLines =>
        from keep in Gen.ArrayOf(Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false))), GoodFieldLines.Length)
        from bad in Gen.Frequency((1, Gen.Constant(Array.Empty<string>())), (1, Gen.SubListOf(BadFieldLines).Select(l => l.ToArray())))
        from shuffled in Gen.Shuffle(GoodFieldLines.Where((_, i) => keep[i]).Concat(bad))
        select shuffled;

    /// <summary>Raw bytes, a soup of HTTP-ish fragments, or a well-formed head with a random mix of field lines.</summary>
    private static Gen<(byte[] Bytes, int[] Splits)> Inputs =>
        from kind in Gen.Choose(0, 2)
        from pieces in Gen.ArrayOf(Gen.Elements(Fragments))
        from raw in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
        from requestLine in Gen.Elements(RequestLines)
        from fields in FieldLines
        from splits in Gen.ArrayOf(Gen.Choose(1, 40))
        select (kind switch
        {
            0 => raw,
            1 => Encoding.Latin1.GetBytes(string.Concat(pieces)),
            _ => [.. Encoding.Latin1.GetBytes(requestLine + "\r\n" + string.Concat(fields.Select(f => f + "\r\n")) + "\r\n"), .. raw],
        }, splits);

    [Fact]
    public void Rfc9112_ArbitraryBytes_NeverThrow_AndSplitsNeverChangeTheOutcome()
    {
        int accepted = 0;
        Prop.ForAll(Inputs.ToArbitrary(), input =>
        {
            int split = 0;
            ParsedHead whole = HeadParsing.ParseInPieces(input.Bytes, null, _ => input.Bytes.Length);
            ParsedHead pieces = HeadParsing.ParseInPieces(input.Bytes, null,
                _ => input.Splits.Length == 0 ? 1 : input.Splits[split++ % input.Splits.Length]);
            Assert.Equal(whole.Summary, pieces.Summary);

            // Whatever parsed must also go through classification and validation without throwing.
            if (whole.Head is { } head)
            {
                HttpRequestKind kind = HttpRequestClassifier.Classify(head, out HandshakeRejection? rejection);
                Assert.Equal(kind == HttpRequestKind.Invalid, rejection is not null);
                bool valid = WebSocketUpgradeValidator.TryValidate(head, out WebSocketUpgradeRequest? request, out rejection);
                Assert.Equal(valid, request is not null);
                Assert.Equal(valid, rejection is null);
                if (rejection is not null)
                {
                    Assert.True(HandshakeResponseWriter.TryWriteRejection(new byte[1024], rejection, out _));
                }
                else
                {
                    accepted++;
                    Assert.True(HandshakeResponseWriter.TryWriteSwitchingProtocols(new byte[1024], request!.AcceptValue, request.OfferedSubprotocols.FirstOrDefault(), null, out _));
                }
            }

            return Prop.Classify(true, whole.Status == HttpHeadParseStatus.Complete, "complete");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));

        // About one case in fifteen is a valid upgrade; none at all would mean the generator stopped reaching the accept path.
        Assert.True(accepted > 0, "the generator produced no valid upgrade");
    }

    [Fact]
    public void Rfc9110_5_6_ArbitraryExtensionAndProtocolValues_NeverThrow()
    {
        Gen<string> values = Gen.ArrayOf(Gen.Elements("a", "b", ";", ",", "=", "\"", "\\", " ", "\t", "x-y", "1", "(")).Select(string.Concat);
        Prop.ForAll(values.ToArbitrary(), value =>
        {
            bool parsed = WebSocketExtensionParser.TryParse(value, out IReadOnlyList<WebSocketExtensionOffer> offers);
            Assert.True(parsed || offers.Count == 0);
            WebSocketSubprotocols.TryParseOffers([value], out _);
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
