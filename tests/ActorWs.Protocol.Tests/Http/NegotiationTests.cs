using ActorWs.Protocol.Http;
using Xunit;

namespace ActorWs.Protocol.Tests.Http;

/// <summary>RFC 6455 §4.2.2 subprotocol choice and §9.1 extension offer syntax.</summary>
public class NegotiationTests
{
    [Fact]
    public void Rfc6455_4_2_2_Subprotocol_ServerPreferenceOrderWins()
    {
        Assert.Equal("v2", WebSocketSubprotocols.Negotiate(["v1", "v2"], ["v2", "v1"]));
        Assert.Equal("v1", WebSocketSubprotocols.Negotiate(["v2", "v1"], ["v1", "v2"]));
    }

    [Fact]
    public void Rfc6455_4_2_2_Subprotocol_NoneInCommon_IsNull()
    {
        Assert.Null(WebSocketSubprotocols.Negotiate(["a"], ["b"]));
        Assert.Null(WebSocketSubprotocols.Negotiate([], ["b"]));
        Assert.Null(WebSocketSubprotocols.Negotiate(["a"], []));
    }

    [Fact]
    public void Rfc7936_SubprotocolNames_AreCaseSensitive()
    {
        Assert.Null(WebSocketSubprotocols.Negotiate(["Chat"], ["chat"]));
    }

    [Fact]
    public void Rfc6455_4_1_SubprotocolOffers_AreTokensAcrossLines()
    {
        Assert.True(WebSocketSubprotocols.TryParseOffers(["chat, superchat", " ,v3 "], out IReadOnlyList<string> offers));
        Assert.Equal(["chat", "superchat", "v3"], offers);
        Assert.False(WebSocketSubprotocols.TryParseOffers(["chat, \"quoted\""], out offers));
        Assert.Empty(offers);
    }

    [Fact]
    public void Rfc6455_9_1_ExtensionParameters_TokenAndQuotedValues()
    {
        Assert.True(WebSocketExtensionParser.TryParse(
            "permessage-deflate ; client_max_window_bits ; server_max_window_bits = 10 , x-ext;a=\"b\\c\"",
            out IReadOnlyList<WebSocketExtensionOffer> offers));
        Assert.Equal(2, offers.Count);
        Assert.Equal("permessage-deflate", offers[0].Name);
        Assert.Equal(
            [new WebSocketExtensionParameter("client_max_window_bits", null), new WebSocketExtensionParameter("server_max_window_bits", "10")],
            offers[0].Parameters);
        Assert.Equal(new WebSocketExtensionParameter("a", "bc"), Assert.Single(offers[1].Parameters));
    }

    [Fact]
    public void Rfc9110_5_6_1_ExtensionList_AcceptsEmptyElements()
    {
        Assert.True(WebSocketExtensionParser.TryParse(" , a ,, b,", out IReadOnlyList<WebSocketExtensionOffer> offers));
        Assert.Equal(["a", "b"], offers.Select(o => o.Name));
        Assert.True(WebSocketExtensionParser.TryParse("", out offers));
        Assert.Empty(offers);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData(";x")]
    [InlineData("a;")]
    [InlineData("a;=1")]
    [InlineData("a;b=")]
    [InlineData("a;b=\"unterminated")]
    [InlineData("a;b=\"not a token\"")]
    [InlineData("a;b=\"\"")]
    [InlineData("a;b=\"x\\")]
    [InlineData("a;b=c d")]
    [InlineData("a;b=(c)")]
    public void Rfc6455_9_1_MalformedExtensionOffers_AreRejected(string value)
    {
        Assert.False(WebSocketExtensionParser.TryParse(value, out IReadOnlyList<WebSocketExtensionOffer> offers));
        Assert.Empty(offers);
    }
}
