using System.Text;
using ActorWs.Protocol.Http;

namespace ActorWs.Protocol.Compression.Negotiation;

/// <summary>
/// Server-side permessage-deflate negotiation (RFC 7692 §5 and §7.1): walks the client's offers in order,
/// declines each invalid one (unknown or duplicate parameters, bad values) and accepts the first one it supports,
/// answering with the exact <c>Sec-WebSocket-Extensions</c> value.
/// </summary>
/// <remarks>
/// <para>Answers, for an accepted offer (parameters in the RFC's order, only those needed):</para>
/// <list type="bullet">
/// <item><c>server_no_context_takeover</c> when offered (§7.1.1.1, it must be honoured) or when the settings do not
/// allow server context takeover (a server may always add it).</item>
/// <item><c>client_no_context_takeover</c> when offered (echoing the client's hint lets our inflater be released)
/// or when the settings do not allow client context takeover (§7.1.1.2: a server may always add it, and the client
/// must then reset its window after every message).</item>
/// <item><c>server_max_window_bits=N</c> only when offered (§7.1.2.1: N is at most the offer; 8 is declined because
/// zlib cannot produce it). When not offered, our compressor may still use a smaller window silently: any inflater
/// with the default 32 KiB window decodes it, and some clients reject the parameter when they did not offer it.</item>
/// <item><c>client_max_window_bits=N</c> only when the offer carries the parameter (§7.1.2.2 forbids it otherwise):
/// always when the offer has a value (N at most that value), and for a value-less offer only when N is below 15.</item>
/// </list>
/// <para>Thread safety: a pure function; safe from any thread.</para>
/// </remarks>
public static class PerMessageDeflateNegotiator
{
    private const int MaxWindowBitsDigits = 2;

    /// <summary>Negotiates permessage-deflate from parsed offers.</summary>
    /// <param name="offers">Every extension offer of the request, in order (see <see cref="WebSocketExtensionParser"/>).</param>
    /// <param name="settings">The route's policy.</param>
    /// <returns>The accepted parameters and response value, or a declined result.</returns>
    public static PerMessageDeflateNegotiation Negotiate(IReadOnlyList<WebSocketExtensionOffer> offers, PerMessageDeflateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(offers);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return PerMessageDeflateNegotiation.NotNegotiated;
        }

        List<DeclinedPerMessageDeflateOffer>? declined = null;
        for (int index = 0; index < offers.Count; index++)
        {
            WebSocketExtensionOffer offer = offers[index];
            if (!string.Equals(offer.Name, PerMessageDeflate.ExtensionName, StringComparison.OrdinalIgnoreCase))
            {
                continue; // another extension: not ours to judge
            }

            if (!TryReadOffer(offer, out OfferedParameters offered, out PerMessageDeflateOfferFault fault, out string faultyParameter))
            {
                (declined ??= []).Add(new DeclinedPerMessageDeflateOffer(index, fault, faultyParameter));
                continue;
            }

            if (offered.ServerMaxWindowBits is < PerMessageDeflate.MinCompressorWindowBits)
            {
                (declined ??= []).Add(new DeclinedPerMessageDeflateOffer(index, PerMessageDeflateOfferFault.Unsupported, PerMessageDeflate.ServerMaxWindowBits));
                continue;
            }

            (PerMessageDeflateParameters parameters, string response) = Accept(offered, settings);
            return new PerMessageDeflateNegotiation(parameters, response, index, declined ?? []);
        }

        return declined is null ? PerMessageDeflateNegotiation.NotNegotiated : new PerMessageDeflateNegotiation(null, null, -1, declined);
    }

    /// <summary>Parses <c>Sec-WebSocket-Extensions</c> field values and negotiates; a value that breaks the header grammar declines.</summary>
    /// <param name="fieldValues">The values of every <c>Sec-WebSocket-Extensions</c> line.</param>
    /// <param name="settings">The route's policy.</param>
    /// <returns>The negotiation result.</returns>
    public static PerMessageDeflateNegotiation Negotiate(IEnumerable<string> fieldValues, PerMessageDeflateSettings settings) =>
        WebSocketExtensionParser.TryParse(fieldValues, out IReadOnlyList<WebSocketExtensionOffer> offers)
            ? Negotiate(offers, settings)
            : PerMessageDeflateNegotiation.NotNegotiated;

    private static (PerMessageDeflateParameters Parameters, string Response) Accept(OfferedParameters offered, PerMessageDeflateSettings settings)
    {
        bool serverNoContextTakeover = offered.ServerNoContextTakeover || (settings.ContextTakeover & PerMessageDeflateContextTakeover.Server) == 0;
        bool clientNoContextTakeover = offered.ClientNoContextTakeover || (settings.ContextTakeover & PerMessageDeflateContextTakeover.Client) == 0;
        int serverWindowBits = Math.Min(settings.ServerMaxWindowBits, offered.ServerMaxWindowBits ?? PerMessageDeflate.MaxWindowBits);

        // Without the parameter in the offer the client may use the full window whatever we would like.
        int clientPromise = offered.ClientMaxWindowBits ?? PerMessageDeflate.MaxWindowBits;
        int clientWindowBits = offered.ClientMaxWindowBitsOffered ? Math.Min(settings.ClientMaxWindowBits, clientPromise) : PerMessageDeflate.MaxWindowBits;

        var response = new StringBuilder(PerMessageDeflate.ExtensionName);
        if (serverNoContextTakeover)
        {
            response.Append("; ").Append(PerMessageDeflate.ServerNoContextTakeover);
        }

        if (clientNoContextTakeover)
        {
            response.Append("; ").Append(PerMessageDeflate.ClientNoContextTakeover);
        }

        if (offered.ServerMaxWindowBits is not null)
        {
            response.Append("; ").Append(PerMessageDeflate.ServerMaxWindowBits).Append('=').Append(serverWindowBits);
        }

        // A valued offer is always answered: without the parameter in the response the window is 15 for the client
        // (.NET's ClientWebSocket then fails the handshake because it asked for less).
        if (offered.ClientMaxWindowBitsOffered && (offered.ClientMaxWindowBits is not null || clientWindowBits < clientPromise))
        {
            response.Append("; ").Append(PerMessageDeflate.ClientMaxWindowBits).Append('=').Append(clientWindowBits);
        }

        var parameters = new PerMessageDeflateParameters(serverNoContextTakeover, clientNoContextTakeover, serverWindowBits, clientWindowBits);
        return (parameters, response.ToString());
    }

    private static bool TryReadOffer(WebSocketExtensionOffer offer, out OfferedParameters offered, out PerMessageDeflateOfferFault fault, out string faultyParameter)
    {
        offered = default;
        fault = default;
        faultyParameter = string.Empty;
        bool seenServerNoContextTakeover = false, seenClientNoContextTakeover = false, seenServerMaxWindowBits = false, seenClientMaxWindowBits = false;
        foreach (WebSocketExtensionParameter parameter in offer.Parameters)
        {
            faultyParameter = parameter.Name;
            if (Is(parameter, PerMessageDeflate.ServerNoContextTakeover))
            {
                if (!TakeOnce(ref seenServerNoContextTakeover, out fault) || !HasNoValue(parameter, out fault))
                {
                    return false;
                }

                offered = offered with { ServerNoContextTakeover = true };
            }
            else if (Is(parameter, PerMessageDeflate.ClientNoContextTakeover))
            {
                if (!TakeOnce(ref seenClientNoContextTakeover, out fault) || !HasNoValue(parameter, out fault))
                {
                    return false;
                }

                offered = offered with { ClientNoContextTakeover = true };
            }
            else if (Is(parameter, PerMessageDeflate.ServerMaxWindowBits))
            {
                if (!TakeOnce(ref seenServerMaxWindowBits, out fault))
                {
                    return false;
                }

                if (parameter.Value is null)
                {
                    fault = PerMessageDeflateOfferFault.MissingValue; // §7.1.2.1: the offer must carry a value
                    return false;
                }

                if (!TryParseWindowBits(parameter.Value, out int bits))
                {
                    fault = PerMessageDeflateOfferFault.InvalidValue;
                    return false;
                }

                offered = offered with { ServerMaxWindowBits = bits };
            }
            else if (Is(parameter, PerMessageDeflate.ClientMaxWindowBits))
            {
                if (!TakeOnce(ref seenClientMaxWindowBits, out fault))
                {
                    return false;
                }

                // §7.1.2.2: without a value it only says "I support the parameter, you may send one".
                int? bits = null;
                if (parameter.Value is not null)
                {
                    if (!TryParseWindowBits(parameter.Value, out int value))
                    {
                        fault = PerMessageDeflateOfferFault.InvalidValue;
                        return false;
                    }

                    bits = value;
                }

                offered = offered with { ClientMaxWindowBitsOffered = true, ClientMaxWindowBits = bits };
            }
            else
            {
                fault = PerMessageDeflateOfferFault.UnknownParameter;
                return false;
            }
        }

        faultyParameter = string.Empty;
        return true;
    }

    private static bool Is(WebSocketExtensionParameter parameter, string name) =>
        string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase);

    private static bool TakeOnce(ref bool seen, out PerMessageDeflateOfferFault fault)
    {
        fault = PerMessageDeflateOfferFault.DuplicateParameter;
        if (seen)
        {
            return false;
        }

        seen = true;
        return true;
    }

    private static bool HasNoValue(WebSocketExtensionParameter parameter, out PerMessageDeflateOfferFault fault)
    {
        fault = PerMessageDeflateOfferFault.InvalidValue;
        return parameter.Value is null;
    }

    /// <summary>§7.1.2.1: a decimal integer 8–15 with no leading zeros (<c>1*DIGIT</c>, "9" not "09").</summary>
    private static bool TryParseWindowBits(string value, out int bits)
    {
        bits = 0;
        if (value.Length is 0 or > MaxWindowBitsDigits || value[0] == '0')
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            bits = (bits * 10) + (c - '0');
        }

        return bits is >= PerMessageDeflate.MinWindowBits and <= PerMessageDeflate.MaxWindowBits;
    }

    private readonly record struct OfferedParameters(
        bool ServerNoContextTakeover,
        bool ClientNoContextTakeover,
        int? ServerMaxWindowBits,
        bool ClientMaxWindowBitsOffered,
        int? ClientMaxWindowBits);
}
