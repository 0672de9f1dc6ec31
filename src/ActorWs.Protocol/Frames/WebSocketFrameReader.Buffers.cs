using System.Buffers;

namespace ActorWs.Protocol.Frames;

public sealed partial class WebSocketFrameReader
{
    /// <summary>The smallest reassembly buffer rented, so tiny fragments do not cause a string of regrowths.</summary>
    private const int MinimumReassemblyBufferSize = 4096;

    /// <summary>
    /// Appends a piece of the current message to the reassembly buffer, renting or growing it. Room for the rest of
    /// the current frame is reserved up front: its length is known, so the bytes still to come are not copied twice.
    /// </summary>
    /// <returns>False when the budget refused the bytes (nothing was copied).</returns>
    private bool AppendToMessageBuffer(ReadOnlySpan<byte> piece)
    {
        if (piece.IsEmpty)
        {
            return true;
        }

        int needed = _messageBytes + piece.Length;
        int wanted = (int)Math.Min((long)needed + _payloadRemaining, Array.MaxLength);
        byte[]? buffer = _messageBuffer;
        if (buffer is null)
        {
            int size = Math.Max(wanted, Math.Min(MinimumReassemblyBufferSize, _maxMessageSize));
            if (!TryReserve(size))
            {
                return false;
            }

            buffer = Pool.Rent(size);
            _messageBuffer = buffer;
            _reserved = size;
        }
        else if (buffer.Length < needed)
        {
            int size = (int)Math.Max(wanted, Math.Min((long)buffer.Length * 2, _maxMessageSize));
            // Both buffers are held while the bytes move over: the new one is reserved before it is rented.
            if (!TryReserve(size))
            {
                return false;
            }

            byte[] larger = Pool.Rent(size);
            buffer.AsSpan(0, _messageBytes).CopyTo(larger);
            Pool.Return(buffer);
            _budget?.Release(_reserved);
            buffer = larger;
            _messageBuffer = buffer;
            _reserved = size;
        }

        piece.CopyTo(buffer.AsSpan(_messageBytes));
        _messageBytes = needed;
        return true;
    }

    private bool TryReserve(int size) => _budget is null || _budget.TryReserve(size);

    private System.Buffers.ArrayPool<byte> Pool => _pool ?? ArrayPool<byte>.Shared;

    private byte[] RentControlBuffer() =>
        _controlBuffer ??= ArrayPool<byte>.Shared.Rent(WebSocketFrameLimits.MaxControlPayloadLength);

    /// <summary>
    /// Returns the buffers whose contents the last event delivered (the next <see cref="Read"/> does it too). A caller done
    /// with that payload, whose input has run out, calls it so that a large message's buffer does not stay held until the
    /// peer sends again.
    /// </summary>
    public void ReleaseDeliveredBuffers()
    {
        if ((_flags & (ReaderFlags.ReleaseMessageBuffer | ReaderFlags.ReleaseControlBuffer)) == 0)
        {
            return;
        }

        if (Has(ReaderFlags.ReleaseMessageBuffer))
        {
            ReturnMessageBuffer();
        }

        if (Has(ReaderFlags.ReleaseControlBuffer))
        {
            ReturnControlBuffer();
        }

        _flags &= ~(ReaderFlags.ReleaseMessageBuffer | ReaderFlags.ReleaseControlBuffer);
    }

    private void ReturnMessageBuffer()
    {
        if (_messageBuffer is { } buffer)
        {
            _messageBuffer = null;
            Pool.Return(buffer);
            _budget?.Release(_reserved);
            _reserved = 0;
        }
    }

    private void ReturnControlBuffer()
    {
        if (_controlBuffer is { } buffer)
        {
            _controlBuffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
