namespace ActorWs.Protocol.Http;

/// <summary>
/// Subprotocol offers (<c>Sec-WebSocket-Protocol</c>, RFC 6455 §4.1 item 10, §11.3.4) and the server's choice.
/// Names are tokens compared case-sensitively (RFC 7936 clarifies that only the registry is case-insensitive).
/// </summary>
/// <remarks>Thread safety: pure functions.</remarks>
public static class WebSocketSubprotocols
{
    /// <summary>Parses the comma-separated offers of every field line, in order.</summary>
    /// <param name="fieldValues">The values of each <c>Sec-WebSocket-Protocol</c> line.</param>
    /// <param name="offers">The offered names on success; empty on failure.</param>
    /// <returns><see langword="false"/> when an element is not a token.</returns>
    public static bool TryParseOffers(IEnumerable<string> fieldValues, out IReadOnlyList<string> offers)
    {
        ArgumentNullException.ThrowIfNull(fieldValues);
        var parsed = new List<string>();
        foreach (string value in fieldValues)
        {
            ReadOnlySpan<char> text = value;
            foreach (Range range in text.Split(','))
            {
                ReadOnlySpan<char> element = HttpSyntax.TrimWhitespace(text[range]);
                if (element.IsEmpty)
                {
                    continue;
                }

                if (!HttpSyntax.IsToken(element))
                {
                    offers = [];
                    return false;
                }

                parsed.Add(element.ToString());
            }
        }

        offers = parsed;
        return true;
    }

    /// <summary>Chooses the first of the server's subprotocols, in the server's preference order, that the client offered.</summary>
    /// <param name="offered">What the client offered.</param>
    /// <param name="supportedInPreferenceOrder">What the server speaks, most preferred first.</param>
    /// <returns>The chosen name, or <see langword="null"/> when there is none in common (the response then carries no subprotocol).</returns>
    public static string? Negotiate(IReadOnlyList<string> offered, IReadOnlyList<string> supportedInPreferenceOrder)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ArgumentNullException.ThrowIfNull(supportedInPreferenceOrder);
        foreach (string candidate in supportedInPreferenceOrder)
        {
            foreach (string offer in offered)
            {
                if (string.Equals(candidate, offer, StringComparison.Ordinal))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
