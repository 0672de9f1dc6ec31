namespace ActorWs.Protocol.Http;

/// <summary>One parameter of an extension offer, e.g. <c>client_max_window_bits=10</c> or a bare <c>server_no_context_takeover</c>.</summary>
/// <param name="Name">The parameter name, as received.</param>
/// <param name="Value">The value (quotes removed), or <see langword="null"/> for a parameter without one.</param>
/// <remarks>Thread safety: an immutable value.</remarks>
public readonly record struct WebSocketExtensionParameter(string Name, string? Value);

/// <summary>One extension offered in <c>Sec-WebSocket-Extensions</c> (RFC 6455 §9.1), e.g. <c>permessage-deflate; client_max_window_bits</c>.</summary>
/// <param name="Name">The extension token, as received.</param>
/// <param name="Parameters">Its parameters in order.</param>
/// <remarks>Thread safety: immutable.</remarks>
public sealed record WebSocketExtensionOffer(string Name, IReadOnlyList<WebSocketExtensionParameter> Parameters);
