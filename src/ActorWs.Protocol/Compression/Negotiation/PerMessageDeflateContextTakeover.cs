namespace ActorWs.Protocol.Compression.Negotiation;

/// <summary>
/// Which directions may keep their LZ77 window between messages (RFC 7692 §7.1.1). Keeping a window improves the
/// ratio on small, similar messages but pins native memory to every connection for its whole life, idle or not.
/// </summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
[Flags]
public enum PerMessageDeflateContextTakeover : byte
{
    /// <summary>
    /// Neither direction (default): the response always carries <c>server_no_context_takeover</c> and
    /// <c>client_no_context_takeover</c>, so an idle connection holds no zlib state at all.
    /// </summary>
    None = 0,

    /// <summary>
    /// Our compressor keeps its window unless the client asks otherwise: about <c>2^(w+2) + 2^(m+9)</c> bytes
    /// (plus ~6 KB) per connection for window bits w and memLevel m (268 KB measured at 15/8).
    /// </summary>
    Server = 1,

    /// <summary>
    /// The client may keep its window unless it offers not to: our inflater then persists, about
    /// <c>2^w</c> + ~7 KB per connection (40 KB measured at 15).
    /// </summary>
    Client = 2,

    /// <summary>Both directions.</summary>
    Both = Server | Client,
}
