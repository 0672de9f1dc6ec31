namespace ActorWs.Protocol.Frames;

/// <summary>
/// Where <see cref="WebSocketFrameReader"/> gets the buffer that reassembles a message, and where it gives it back, so a
/// server can bound what all its connections' partial messages hold together (and choose the pool).
/// </summary>
/// <remarks>
/// Called only when the reassembly buffer changes (its first rent, a growth by doubling or to the frame's announced
/// length, its return), never per frame or per byte. Implementations must be cheap and must not block; a reader calls
/// its budget from the one thread that uses it at a time.
/// </remarks>
public interface IMessageBufferBudget
{
    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes, or null when it may not be held now (the reader then fails with <see cref="WebSocketProtocolViolation.MessageCannotBeHeld"/>).</summary>
    /// <param name="minimumLength">The bytes needed (a growth holds the old and the new buffer for a moment).</param>
    /// <returns>The buffer, or null to refuse.</returns>
    byte[]? TryRent(int minimumLength);

    /// <summary>Takes back a buffer that <see cref="TryRent"/> gave.</summary>
    /// <param name="buffer">The buffer; the reader no longer uses it.</param>
    void Return(byte[] buffer);
}
