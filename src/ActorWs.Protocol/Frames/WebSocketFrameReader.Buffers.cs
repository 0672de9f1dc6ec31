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
            buffer = RentMessageBuffer(Math.Max(wanted, Math.Min(MinimumReassemblyBufferSize, _maxMessageSize)));
            if (buffer is null)
            {
                return false;
            }

            _messageBuffer = buffer;
        }
        else if (buffer.Length < needed)
        {
            // Both buffers are held while the bytes move over: the budget is asked for the new one before the old goes back.
            byte[]? larger = RentMessageBuffer((int)Math.Max(wanted, Math.Min((long)buffer.Length * 2, _maxMessageSize)));
            if (larger is null)
            {
                return false;
            }

            buffer.AsSpan(0, _messageBytes).CopyTo(larger);
            ReturnToPool(buffer);
            buffer = larger;
            _messageBuffer = buffer;
        }

        piece.CopyTo(buffer.AsSpan(_messageBytes));
        _messageBytes = needed;
        return true;
    }

    private byte[]? RentMessageBuffer(int size) => _budget is null ? ArrayPool<byte>.Shared.Rent(size) : _budget.TryRent(size);

    private void ReturnToPool(byte[] buffer)
    {
        if (_budget is null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        else
        {
            _budget.Return(buffer);
        }
    }

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
            ReturnToPool(buffer);
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
