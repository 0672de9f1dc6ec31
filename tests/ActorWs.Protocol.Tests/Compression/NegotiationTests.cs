using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Http;
using Xunit;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>RFC 7692 §5 and §7.1 negotiation, parameter by parameter.</summary>
public class NegotiationTests
{
    private static readonly PerMessageDeflateSettings Defaults = PerMessageDeflateSettings.Default;
    private static readonly PerMessageDeflateSettings KeepBoth = new() { ContextTakeover = PerMessageDeflateContextTakeover.Both };

    private static PerMessageDeflateNegotiation Negotiate(string header, PerMessageDeflateSettings? settings = null) =>
        PerMessageDeflateNegotiator.Negotiate([header], settings ?? Defaults);

    [Theory]
    // Default policy: no context takeover either way, announced in the answer.
    [InlineData("permessage-deflate", "permessage-deflate; server_no_context_takeover; client_no_context_takeover")]
    // Chromium and Firefox offer exactly this.
    [InlineData("permessage-deflate; client_max_window_bits", "permessage-deflate; server_no_context_takeover; client_no_context_takeover")]
    [InlineData("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10")]
    [InlineData("permessage-deflate; server_max_window_bits=\"12\"", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12")]
    [InlineData("PerMessage-Deflate; Server_No_Context_Takeover", "permessage-deflate; server_no_context_takeover; client_no_context_takeover")]
    public void Default_settings_answer_without_context_takeover(string offer, string expected)
    {
        PerMessageDeflateNegotiation result = Negotiate(offer);

        Assert.True(result.IsAccepted);
        Assert.Equal(expected, result.ResponseHeaderValue);
        Assert.True(result.Parameters!.ServerNoContextTakeover);
        Assert.True(result.Parameters.ClientNoContextTakeover);
    }

    [Theory]
    [InlineData("permessage-deflate", "permessage-deflate", false, false)]
    [InlineData("permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover", true, false)]
    [InlineData("permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover", false, true)]
    [InlineData("permessage-deflate; client_no_context_takeover; server_no_context_takeover", "permessage-deflate; server_no_context_takeover; client_no_context_takeover", true, true)]
    public void Offered_no_context_takeover_is_honoured_and_answered(string offer, string expected, bool serverReset, bool clientReset)
    {
        PerMessageDeflateNegotiation result = Negotiate(offer, KeepBoth);

        Assert.Equal(expected, result.ResponseHeaderValue);
        Assert.Equal(serverReset, result.Parameters!.ServerNoContextTakeover);
        Assert.Equal(clientReset, result.Parameters.ClientNoContextTakeover);
    }

    [Theory]
    [InlineData(PerMessageDeflateContextTakeover.Server, "permessage-deflate; client_no_context_takeover")]
    [InlineData(PerMessageDeflateContextTakeover.Client, "permessage-deflate; server_no_context_takeover")]
    public void The_policy_decides_each_direction(PerMessageDeflateContextTakeover policy, string expected)
    {
        Assert.Equal(expected, Negotiate("permessage-deflate", new PerMessageDeflateSettings { ContextTakeover = policy }).ResponseHeaderValue);
    }

    [Theory]
    [InlineData("permessage-deflate; server_max_window_bits=15", 11)] // our limit is lower: answer ours
    [InlineData("permessage-deflate; server_max_window_bits=11", 11)]
    [InlineData("permessage-deflate; server_max_window_bits=9", 9)]
    public void Server_max_window_bits_is_answered_with_the_smaller_value(string offer, int expectedBits)
    {
        PerMessageDeflateNegotiation result = Negotiate(offer, KeepBoth with { ServerMaxWindowBits = 11 });

        Assert.Equal(expectedBits, result.Parameters!.ServerMaxWindowBits);
        Assert.Equal($"permessage-deflate; server_max_window_bits={expectedBits}", result.ResponseHeaderValue);
    }

    [Fact]
    public void A_lower_server_window_than_the_default_is_used_silently_when_not_offered()
    {
        PerMessageDeflateNegotiation result = Negotiate("permessage-deflate", KeepBoth with { ServerMaxWindowBits = 10 });

        Assert.Equal("permessage-deflate", result.ResponseHeaderValue); // a 1 KiB window decodes with any 32 KiB inflater
        Assert.Equal(10, result.Parameters!.ServerMaxWindowBits);
    }

    [Theory]
    [InlineData("permessage-deflate; client_max_window_bits", 15, 15, "permessage-deflate")]
    [InlineData("permessage-deflate; client_max_window_bits", 10, 10, "permessage-deflate; client_max_window_bits=10")]
    [InlineData("permessage-deflate; client_max_window_bits=12", 15, 12, "permessage-deflate; client_max_window_bits=12")] // always answered
    [InlineData("permessage-deflate; client_max_window_bits=12", 10, 10, "permessage-deflate; client_max_window_bits=10")]
    [InlineData("permessage-deflate; client_max_window_bits=9", 10, 9, "permessage-deflate; client_max_window_bits=9")]
    [InlineData("permessage-deflate; client_max_window_bits=15", 15, 15, "permessage-deflate; client_max_window_bits=15")]
    [InlineData("permessage-deflate; client_max_window_bits", 8, 8, "permessage-deflate; client_max_window_bits=8")]
    [InlineData("permessage-deflate", 10, 15, "permessage-deflate")] // not offered: must not be sent, client may use 32 KiB
    public void Client_max_window_bits_with_and_without_value(string offer, int ourLimit, int expectedBits, string expected)
    {
        PerMessageDeflateNegotiation result = Negotiate(offer, KeepBoth with { ClientMaxWindowBits = ourLimit });

        Assert.Equal(expected, result.ResponseHeaderValue);
        Assert.Equal(expectedBits, result.Parameters!.ClientMaxWindowBits);
    }

    [Theory]
    [InlineData("permessage-deflate; server_max_window_bits=7", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; server_max_window_bits=16", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; server_max_window_bits=010", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; server_max_window_bits=09", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; server_max_window_bits=1a", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; server_max_window_bits=+9", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; server_max_window_bits", PerMessageDeflateOfferFault.MissingValue)]
    [InlineData("permessage-deflate; server_max_window_bits=8", PerMessageDeflateOfferFault.Unsupported)]
    [InlineData("permessage-deflate; client_max_window_bits=7", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; client_max_window_bits=0", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; client_max_window_bits=\"16\"", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; server_no_context_takeover=1", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; client_no_context_takeover=true", PerMessageDeflateOfferFault.InvalidValue)]
    [InlineData("permessage-deflate; server_no_context_takeover; server_no_context_takeover", PerMessageDeflateOfferFault.DuplicateParameter)]
    [InlineData("permessage-deflate; client_no_context_takeover; client_no_context_takeover", PerMessageDeflateOfferFault.DuplicateParameter)]
    [InlineData("permessage-deflate; server_max_window_bits=10; server_max_window_bits=10", PerMessageDeflateOfferFault.DuplicateParameter)]
    [InlineData("permessage-deflate; client_max_window_bits; client_max_window_bits=10", PerMessageDeflateOfferFault.DuplicateParameter)]
    [InlineData("permessage-deflate; x_webkit_something", PerMessageDeflateOfferFault.UnknownParameter)]
    [InlineData("permessage-deflate; client_max_window", PerMessageDeflateOfferFault.UnknownParameter)]
    public void Invalid_offers_are_declined_with_the_reason(string offer, PerMessageDeflateOfferFault fault)
    {
        PerMessageDeflateNegotiation result = Negotiate(offer);

        Assert.False(result.IsAccepted);
        Assert.Null(result.ResponseHeaderValue);
        Assert.Equal(-1, result.AcceptedOfferIndex);
        Assert.Equal(fault, Assert.Single(result.DeclinedOffers).Fault);
    }

    [Fact]
    public void The_first_acceptable_offer_wins_after_invalid_ones()
    {
        PerMessageDeflateNegotiation result = Negotiate(
            "x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=8, permessage-deflate; bogus, permessage-deflate; server_max_window_bits=10, permessage-deflate");

        Assert.Equal(3, result.AcceptedOfferIndex);
        Assert.Equal(10, result.Parameters!.ServerMaxWindowBits);
        Assert.Equal([1, 2], result.DeclinedOffers.Select(d => d.OfferIndex));
        Assert.Equal([PerMessageDeflateOfferFault.Unsupported, PerMessageDeflateOfferFault.UnknownParameter], result.DeclinedOffers.Select(d => d.Fault));
    }

    [Fact]
    public void Offers_on_several_header_lines_are_read_in_order()
    {
        PerMessageDeflateNegotiation result = PerMessageDeflateNegotiator.Negotiate(
            ["permessage-deflate; server_max_window_bits=99", "permessage-deflate; server_max_window_bits=12"], KeepBoth);

        Assert.Equal(1, result.AcceptedOfferIndex);
        Assert.Equal("permessage-deflate; server_max_window_bits=12", result.ResponseHeaderValue);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x-webkit-deflate-frame")]
    [InlineData("permessage-deflate;;")] // breaks the header grammar
    public void No_usable_offer_means_no_compression(string header)
    {
        PerMessageDeflateNegotiation result = Negotiate(header);

        Assert.False(result.IsAccepted);
        Assert.Empty(result.DeclinedOffers);
    }

    [Fact]
    public void Disabled_settings_decline_everything()
    {
        Assert.False(Negotiate("permessage-deflate", PerMessageDeflateSettings.Disabled).IsAccepted);
    }

    [Fact]
    public void The_answer_is_a_valid_extension_header_that_parses_back()
    {
        PerMessageDeflateNegotiation result = Negotiate("permessage-deflate; server_max_window_bits=11; client_max_window_bits", Defaults with { ClientMaxWindowBits = 9 });

        Assert.True(WebSocketExtensionParser.TryParse(result.ResponseHeaderValue!, out IReadOnlyList<WebSocketExtensionOffer> parsed));
        WebSocketExtensionOffer answer = Assert.Single(parsed);
        Assert.Equal(PerMessageDeflate.ExtensionName, answer.Name);
        Assert.Equal(
            [new(PerMessageDeflate.ServerNoContextTakeover, null), new(PerMessageDeflate.ClientNoContextTakeover, null), new(PerMessageDeflate.ServerMaxWindowBits, "11"), new WebSocketExtensionParameter(PerMessageDeflate.ClientMaxWindowBits, "9")],
            answer.Parameters);
    }

    [Theory]
    [InlineData(nameof(PerMessageDeflateSettings.CompressionLevel), 10)]
    [InlineData(nameof(PerMessageDeflateSettings.CompressionLevel), -1)]
    [InlineData(nameof(PerMessageDeflateSettings.ServerMaxWindowBits), 8)]
    [InlineData(nameof(PerMessageDeflateSettings.ClientMaxWindowBits), 7)]
    [InlineData(nameof(PerMessageDeflateSettings.MemoryLevel), 0)]
    [InlineData(nameof(PerMessageDeflateSettings.Threshold), -1)]
    public void Settings_reject_out_of_range_values(string property, int value)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => property switch
        {
            nameof(PerMessageDeflateSettings.CompressionLevel) => new PerMessageDeflateSettings { CompressionLevel = value },
            nameof(PerMessageDeflateSettings.ServerMaxWindowBits) => new PerMessageDeflateSettings { ServerMaxWindowBits = value },
            nameof(PerMessageDeflateSettings.ClientMaxWindowBits) => new PerMessageDeflateSettings { ClientMaxWindowBits = value },
            nameof(PerMessageDeflateSettings.MemoryLevel) => new PerMessageDeflateSettings { MemoryLevel = value },
            _ => new PerMessageDeflateSettings { Threshold = value },
        });
        Assert.Equal(property, exception.ParamName);
    }
}
