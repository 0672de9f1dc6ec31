namespace ActorWs.Protocol.Http;

/// <summary>A request that passed every RFC 6455 §4.2.1 check: what the server needs to decide on and answer the upgrade.</summary>
/// <param name="Path">The request path (not percent-decoded), e.g. <c>/chat</c>.</param>
/// <param name="Query">The query without <c>?</c>, empty when none.</param>
/// <param name="Host">The <c>Host</c> value.</param>
/// <param name="Origin">The <c>Origin</c> value for the server's allow-list, or <see langword="null"/> when absent (non-browser clients).</param>
/// <param name="Key">The <c>Sec-WebSocket-Key</c> value (validated: base64 of 16 bytes).</param>
/// <param name="AcceptValue">The <c>Sec-WebSocket-Accept</c> value computed from <paramref name="Key"/>.</param>
/// <param name="OfferedSubprotocols">The subprotocols the client offered, in its order; empty when none.</param>
/// <param name="ExtensionOffers">The extensions the client offered, parsed, in its order; empty when none.</param>
/// <param name="Head">The whole request head, for anything else the server wants (cookies, authorization).</param>
/// <remarks>Thread safety: immutable.</remarks>
public sealed record WebSocketUpgradeRequest(
    string Path,
    string Query,
    string Host,
    string? Origin,
    string Key,
    string AcceptValue,
    IReadOnlyList<string> OfferedSubprotocols,
    IReadOnlyList<WebSocketExtensionOffer> ExtensionOffers,
    HttpRequestHead Head);
