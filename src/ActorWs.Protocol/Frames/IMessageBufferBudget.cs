namespace ActorWs.Protocol.Frames;

/// <summary>
/// Asked by <see cref="WebSocketFrameReader"/> before it rents or grows the buffer that reassembles a message, and told
/// when it gives that buffer back, so a server can bound what all its connections' partial messages hold together.
/// </summary>
/// <remarks>
/// Called only when the reassembly buffer changes (its first rent, a growth by doubling or to the frame's announced
/// length, its return), never per frame or per byte. Implementations must be cheap and must not block; a reader calls
/// its budget from the one thread that uses it at a time.
/// </remarks>
public interface IMessageBufferBudget
{
    /// <summary>Asks to hold <paramref name="bytes"/> more; false refuses (the reader then fails with <see cref="WebSocketProtocolViolation.MessageCannotBeHeld"/>).</summary>
    /// <param name="bytes">The size of the buffer about to be rented (a growth holds the old and the new buffer for a moment).</param>
    /// <returns>Whether the bytes may be held.</returns>
    bool TryReserve(int bytes);

    /// <summary>The reader gave back a buffer of <paramref name="bytes"/> that an earlier <see cref="TryReserve"/> granted.</summary>
    /// <param name="bytes">The size that was reserved for it.</param>
    void Release(int bytes);
}
