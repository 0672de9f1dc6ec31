namespace ActorWs.Protocol.Compression.Negotiation;

/// <summary>Why an offer of permessage-deflate was declined (RFC 7692 §7: the server must decline such offers).</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum PerMessageDeflateOfferFault : byte
{
    /// <summary>A parameter RFC 7692 does not define for offers.</summary>
    UnknownParameter = 0,

    /// <summary>The same parameter appears twice in one offer.</summary>
    DuplicateParameter,

    /// <summary>A value on a parameter that takes none, or a window-bits value that is not 8–15 in plain decimal.</summary>
    InvalidValue,

    /// <summary><c>server_max_window_bits</c> without a value.</summary>
    MissingValue,

    /// <summary>A valid configuration this server does not support (a 256-byte server window, which zlib cannot produce).</summary>
    Unsupported,
}

/// <summary>One permessage-deflate offer that was declined and why.</summary>
/// <param name="OfferIndex">The offer's position among all offers in the request (0-based, other extensions included).</param>
/// <param name="Fault">The rule it broke.</param>
/// <param name="ParameterName">The parameter at fault.</param>
/// <remarks>Thread safety: an immutable record.</remarks>
public sealed record DeclinedPerMessageDeflateOffer(int OfferIndex, PerMessageDeflateOfferFault Fault, string ParameterName);

/// <summary>
/// The result of negotiating permessage-deflate for one handshake: the accepted parameters with the exact
/// <c>Sec-WebSocket-Extensions</c> value to answer with, or "declined" (the connection goes on uncompressed).
/// </summary>
/// <param name="Parameters">The agreed configuration, or null when declined.</param>
/// <param name="ResponseHeaderValue">The <c>Sec-WebSocket-Extensions</c> response value, or null when declined.</param>
/// <param name="AcceptedOfferIndex">Which offer was accepted (0-based, other extensions included), or -1.</param>
/// <param name="DeclinedOffers">permessage-deflate offers skipped before the accepted one (or all, when declined), for diagnostics.</param>
/// <remarks>Thread safety: an immutable record.</remarks>
public sealed record PerMessageDeflateNegotiation(
    PerMessageDeflateParameters? Parameters,
    string? ResponseHeaderValue,
    int AcceptedOfferIndex,
    IReadOnlyList<DeclinedPerMessageDeflateOffer> DeclinedOffers)
{
    /// <summary>A declined negotiation with no offers inspected (compression disabled or not offered).</summary>
    public static PerMessageDeflateNegotiation NotNegotiated { get; } = new(null, null, -1, []);

    /// <summary>Whether compression is on for this connection (set the frame reader's <c>AllowRsv1</c>).</summary>
    public bool IsAccepted => Parameters is not null;
}
