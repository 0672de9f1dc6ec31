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
    private void AppendToMessageBuffer(ReadOnlySpan<byte> piece)
    {
        if (piece.IsEmpty)
        {
            return;
        }

        int needed = _messageBytes + piece.Length;
        int wanted = (int)Math.Min((long)needed + _payloadRemaining, Array.MaxLength);
        byte[]? buffer = _messageBuffer;
        if (buffer is null)
        {
            buffer = ArrayPool<byte>.Shared.Rent(Math.Max(wanted, Math.Min(MinimumReassemblyBufferSize, _maxMessageSize)));
            _messageBuffer = buffer;
        }
        else if (buffer.Length < needed)
        {
            long doubled = Math.Min((long)buffer.Length * 2, _maxMessageSize);
            byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Max(wanted, doubled));
            buffer.AsSpan(0, _messageBytes).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
            _messageBuffer = buffer;
        }

        piece.CopyTo(buffer.AsSpan(_messageBytes));
        _messageBytes = needed;
    }

    private byte[] RentControlBuffer() =>
        _controlBuffer ??= ArrayPool<byte>.Shared.Rent(WebSocketFrameLimits.MaxControlPayloadLength);

    /// <summary>Returns buffers whose contents were delivered by the previous call; the caller is done with them now.</summary>
    private void ReleaseDeliveredBuffers()
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
            ArrayPool<byte>.Shared.Return(buffer);
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
