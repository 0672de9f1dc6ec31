using System.Buffers.Binary;

namespace ActorWs.Protocol.Frames;

/// <summary>
/// Writes RFC 6455 §5.2 frame headers (and, for convenience, whole frames) into a caller's buffer:
/// unmasked for a server, masked for a client. Lengths are always written in their minimal form.
/// </summary>
/// <remarks>
/// <para>
/// To send a payload without copying it, reserve <see cref="GetHeaderLength"/> bytes in front of where the
/// payload will be written, then call <see cref="WriteHeader"/> on that space.
/// </para>
/// <para>
/// The arguments come from the caller's own code, not from the network, so misuse (a reserved opcode,
/// a control frame longer than 125 bytes or not final, RSV1 on a control frame, a too-small destination)
/// throws <see cref="ArgumentException"/> as documented on each member.
/// </para>
/// <para>Thread safety: pure functions; safe from any thread on distinct buffers.</para>
/// </remarks>
public static class WebSocketFrameWriter
{
    /// <summary>The header length of a frame with the given payload length.</summary>
    /// <param name="payloadLength">The payload length in bytes (0 or more).</param>
    /// <param name="masked">Whether the frame carries a masking key (client frames do).</param>
    /// <returns>2, 4 or 10 bytes, plus 4 when <paramref name="masked"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    public static int GetHeaderLength(long payloadLength, bool masked = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        int length = payloadLength switch
        {
            <= WebSocketFrameLimits.MaxSevenBitLength => WebSocketFrameLimits.BaseHeaderLength,
            <= WebSocketFrameLimits.MaxSixteenBitLength => WebSocketFrameLimits.BaseHeaderLength + sizeof(ushort),
            _ => WebSocketFrameLimits.BaseHeaderLength + sizeof(ulong),
        };
        return masked ? length + WebSocketFrameLimits.MaskKeyLength : length;
    }

    /// <summary>The total size of a frame: header plus payload.</summary>
    /// <param name="payloadLength">The payload length in bytes (0 or more).</param>
    /// <param name="masked">Whether the frame carries a masking key.</param>
    /// <returns>The number of bytes the whole frame occupies.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    public static long GetFrameLength(long payloadLength, bool masked = false) =>
        GetHeaderLength(payloadLength, masked) + payloadLength;

    /// <summary>Writes an unmasked (server) frame header.</summary>
    /// <param name="destination">Where to write; at least <see cref="GetHeaderLength"/> bytes.</param>
    /// <param name="opcode">The frame opcode.</param>
    /// <param name="fin">Whether this is the final frame of its message.</param>
    /// <param name="payloadLength">The number of payload bytes that will follow the header.</param>
    /// <param name="rsv1">Sets RSV1, meaningful only when an extension (permessage-deflate) was negotiated.</param>
    /// <returns>The number of header bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A reserved opcode or a negative length.</exception>
    /// <exception cref="ArgumentException">
    /// A control frame that is longer than 125 bytes, not final or has RSV1; or a destination that is too short.
    /// </exception>
    public static int WriteHeader(Span<byte> destination, WebSocketOpcode opcode, bool fin, long payloadLength, bool rsv1 = false) =>
        WriteHeaderCore(destination, opcode, fin, payloadLength, rsv1, masked: false, maskKey: 0);

    /// <summary>Writes a masked (client) frame header, including the masking key.</summary>
    /// <param name="destination">Where to write; at least <c>GetHeaderLength(payloadLength, masked: true)</c> bytes.</param>
    /// <param name="opcode">The frame opcode.</param>
    /// <param name="fin">Whether this is the final frame of its message.</param>
    /// <param name="payloadLength">The number of payload bytes that will follow the header.</param>
    /// <param name="maskKey">The masking key (see <see cref="WebSocketMask"/> for its byte order); the payload must be masked with it.</param>
    /// <param name="rsv1">Sets RSV1.</param>
    /// <returns>The number of header bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A reserved opcode or a negative length.</exception>
    /// <exception cref="ArgumentException">
    /// A control frame that is longer than 125 bytes, not final or has RSV1; or a destination that is too short.
    /// </exception>
    public static int WriteMaskedHeader(Span<byte> destination, WebSocketOpcode opcode, bool fin, long payloadLength, uint maskKey, bool rsv1 = false) =>
        WriteHeaderCore(destination, opcode, fin, payloadLength, rsv1, masked: true, maskKey);

    /// <summary>Writes a whole unmasked (server) frame: header, then a copy of <paramref name="payload"/>.</summary>
    /// <param name="destination">Where to write; at least <see cref="GetFrameLength"/> bytes.</param>
    /// <param name="opcode">The frame opcode.</param>
    /// <param name="fin">Whether this is the final frame of its message.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="rsv1">Sets RSV1.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A reserved opcode.</exception>
    /// <exception cref="ArgumentException">An invalid control frame or a destination that is too short.</exception>
    public static int WriteFrame(Span<byte> destination, WebSocketOpcode opcode, bool fin, ReadOnlySpan<byte> payload, bool rsv1 = false)
    {
        int headerLength = WriteHeader(destination, opcode, fin, payload.Length, rsv1);
        EnsureRoom(destination, headerLength + payload.Length);
        payload.CopyTo(destination[headerLength..]);
        return headerLength + payload.Length;
    }

    /// <summary>Writes a whole masked (client) frame: header with key, then <paramref name="payload"/> masked with the key.</summary>
    /// <param name="destination">Where to write; at least <c>GetFrameLength(payload.Length, masked: true)</c> bytes.</param>
    /// <param name="opcode">The frame opcode.</param>
    /// <param name="fin">Whether this is the final frame of its message.</param>
    /// <param name="payload">The payload in clear; it is not modified.</param>
    /// <param name="maskKey">The masking key.</param>
    /// <param name="rsv1">Sets RSV1.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A reserved opcode.</exception>
    /// <exception cref="ArgumentException">An invalid control frame or a destination that is too short.</exception>
    public static int WriteMaskedFrame(Span<byte> destination, WebSocketOpcode opcode, bool fin, ReadOnlySpan<byte> payload, uint maskKey, bool rsv1 = false)
    {
        int headerLength = WriteMaskedHeader(destination, opcode, fin, payload.Length, maskKey, rsv1);
        EnsureRoom(destination, headerLength + payload.Length);
        WebSocketMask.ApplyTo(payload, destination[headerLength..], maskKey, keyOffset: 0);
        return headerLength + payload.Length;
    }

    /// <summary>Writes a whole unmasked Close frame with a status code and a reason (truncated to fit, see <see cref="CloseFramePayload.Write"/>).</summary>
    /// <param name="destination">Where to write; <see cref="MaxCloseFrameLength"/> bytes always suffice.</param>
    /// <param name="code">A status code valid in a Close frame (<see cref="WebSocketCloseCode.IsValidInCloseFrame"/>).</param>
    /// <param name="reason">The reason; may be empty.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> may not be sent.</exception>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static int WriteCloseFrame(Span<byte> destination, ushort code, ReadOnlySpan<char> reason)
    {
        Span<byte> payload = stackalloc byte[WebSocketFrameLimits.MaxControlPayloadLength];
        int payloadLength = CloseFramePayload.Write(payload, code, reason);
        return WriteFrame(destination, WebSocketOpcode.Close, fin: true, payload[..payloadLength]);
    }

    /// <summary>Writes a whole masked (client) Close frame with a status code and a reason.</summary>
    /// <param name="destination">Where to write; <see cref="MaxCloseFrameLength"/> + 4 bytes always suffice.</param>
    /// <param name="code">A status code valid in a Close frame.</param>
    /// <param name="reason">The reason; may be empty.</param>
    /// <param name="maskKey">The masking key.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> may not be sent.</exception>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static int WriteMaskedCloseFrame(Span<byte> destination, ushort code, ReadOnlySpan<char> reason, uint maskKey)
    {
        Span<byte> payload = stackalloc byte[WebSocketFrameLimits.MaxControlPayloadLength];
        int payloadLength = CloseFramePayload.Write(payload, code, reason);
        return WriteMaskedFrame(destination, WebSocketOpcode.Close, fin: true, payload[..payloadLength], maskKey);
    }

    /// <summary>The largest unmasked Close frame: a 2-byte header plus 125 payload bytes.</summary>
    public const int MaxCloseFrameLength = WebSocketFrameLimits.BaseHeaderLength + WebSocketFrameLimits.MaxControlPayloadLength;

    private static int WriteHeaderCore(Span<byte> destination, WebSocketOpcode opcode, bool fin, long payloadLength, bool rsv1, bool masked, uint maskKey)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        byte opcodeValue = (byte)opcode;
        bool isControl = (opcodeValue & WebSocketFrameLimits.ControlOpcodeBit) != 0;
        if (!IsDefinedOpcode(opcodeValue))
        {
            throw new ArgumentOutOfRangeException(nameof(opcode), opcode, "Reserved opcodes cannot be written.");
        }

        if (isControl && (payloadLength > WebSocketFrameLimits.MaxControlPayloadLength || !fin || rsv1))
        {
            throw new ArgumentException("Control frames must be final, without RSV1, and carry at most 125 bytes.", nameof(payloadLength));
        }

        int headerLength = GetHeaderLength(payloadLength, masked);
        EnsureRoom(destination, headerLength);

        byte first = opcodeValue;
        if (fin)
        {
            first |= WebSocketFrameLimits.FinBit;
        }

        if (rsv1)
        {
            first |= WebSocketFrameLimits.Rsv1Bit;
        }

        byte maskBit = masked ? WebSocketFrameLimits.MaskBit : (byte)0;
        destination[0] = first;
        int position;
        if (payloadLength <= WebSocketFrameLimits.MaxSevenBitLength)
        {
            destination[1] = (byte)(maskBit | (byte)payloadLength);
            position = 2;
        }
        else if (payloadLength <= WebSocketFrameLimits.MaxSixteenBitLength)
        {
            destination[1] = (byte)(maskBit | WebSocketFrameLimits.SixteenBitLengthMarker);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            position = 4;
        }
        else
        {
            destination[1] = (byte)(maskBit | WebSocketFrameLimits.SixtyFourBitLengthMarker);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            position = 10;
        }

        if (masked)
        {
            WebSocketMask.WriteKey(destination[position..], maskKey);
            position += WebSocketFrameLimits.MaskKeyLength;
        }

        return position;
    }

    internal static bool IsDefinedOpcode(byte opcode) => opcode switch
    {
        (byte)WebSocketOpcode.Continuation or (byte)WebSocketOpcode.Text or (byte)WebSocketOpcode.Binary => true,
        (byte)WebSocketOpcode.Close or (byte)WebSocketOpcode.Ping or (byte)WebSocketOpcode.Pong => true,
        _ => false,
    };

    private static void EnsureRoom(Span<byte> destination, int needed)
    {
        if (destination.Length < needed)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; {needed} are needed.", nameof(destination));
        }
    }
}
