namespace ActorWs.Protocol.Compression.Negotiation;

/// <summary>
/// The permessage-deflate configuration both ends agreed on for one connection (RFC 7692 §7.1), as the server
/// answered it.
/// </summary>
/// <param name="ServerNoContextTakeover">The server resets its compressor after every message.</param>
/// <param name="ClientNoContextTakeover">The client resets its compressor after every message, so our inflater need not persist.</param>
/// <param name="ServerMaxWindowBits">The window our compressor uses (9–15).</param>
/// <param name="ClientMaxWindowBits">The largest window the client may compress with (8–15): our inflater's window.</param>
/// <remarks>Thread safety: an immutable record.</remarks>
public sealed record PerMessageDeflateParameters(
    bool ServerNoContextTakeover,
    bool ClientNoContextTakeover,
    int ServerMaxWindowBits,
    int ClientMaxWindowBits);
