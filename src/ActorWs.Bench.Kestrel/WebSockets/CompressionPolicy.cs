namespace ActorWs.Bench.Kestrel.WebSockets;

/// <summary>
/// How the baseline accepts WebSockets: with permessage-deflate when the client offers it, on ASP.NET Core's
/// default compression settings (server context takeover kept, 15-bit window), so a compressed run compares
/// compression with compression. A client that offers nothing gets an uncompressed connection, as before.
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class CompressionPolicy
{
    /// <summary>
    /// A fresh accept context for one upgrade (the context is mutable, so it is never shared). Compression is
    /// enabled only when the client's handshake offers permessage-deflate; ASP.NET negotiates the parameters.
    /// </summary>
    /// <returns>The context to pass to <c>AcceptWebSocketAsync</c>.</returns>
    public static WebSocketAcceptContext AcceptContext() => new() { DangerousEnableCompression = true };
}
