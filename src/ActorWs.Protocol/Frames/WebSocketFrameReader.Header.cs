using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ActorWs.Protocol.Frames;

public sealed partial class WebSocketFrameReader
{
    /// <summary>
    /// Reads frame header bytes. Returns a violation, or <see cref="WebSocketProtocolViolation.None"/> when either a
    /// whole header was read (the stage has moved on) or the input ran out (the partial header is kept).
    /// The first two bytes are checked as soon as each arrives, in the same order whether the header comes whole
    /// or in pieces, so a split never changes which violation is reported.
    /// </summary>
    private WebSocketProtocolViolation ReadHeader(ReadOnlySpan<byte> input, ref int position)
    {
        ReadOnlySpan<byte> available = input[position..];
        WebSocketProtocolViolation violation;
        if (_headerCount == 0 && available.Length >= WebSocketFrameLimits.BaseHeaderLength)
        {
            // Fast path: the common case of a header wholly inside the input needs no copying.
            violation = CheckFirstByte(available[0]);
            if (violation == WebSocketProtocolViolation.None)
            {
                violation = CheckSecondByte(available[0], available[1]);
            }

            if (violation != WebSocketProtocolViolation.None)
            {
                return violation;
            }

            int headerLength = HeaderLength(available[1]);
            if (available.Length >= headerLength)
            {
                position += headerLength;
                return BeginFrame(available[..headerLength]);
            }
        }

        Span<byte> header = _header;
        while (position < input.Length)
        {
            byte b = input[position++];
            header[_headerCount++] = b;
            if (_headerCount == 1)
            {
                violation = CheckFirstByte(b);
            }
            else if (_headerCount == WebSocketFrameLimits.BaseHeaderLength)
            {
                violation = CheckSecondByte(header[0], b);
            }
            else
            {
                violation = WebSocketProtocolViolation.None;
            }

            if (violation != WebSocketProtocolViolation.None)
            {
                _headerCount = 0;
                return violation;
            }

            if (_headerCount >= WebSocketFrameLimits.BaseHeaderLength && _headerCount == HeaderLength(header[1]))
            {
                int length = _headerCount;
                _headerCount = 0;
                return BeginFrame(header[..length]);
            }
        }

        return WebSocketProtocolViolation.None;
    }

    private WebSocketProtocolViolation CheckFirstByte(byte first)
    {
        if (Has(ReaderFlags.CloseReceived))
        {
            return WebSocketProtocolViolation.FrameAfterClose;
        }

        if ((first & (WebSocketFrameLimits.Rsv2Bit | WebSocketFrameLimits.Rsv3Bit)) != 0)
        {
            return WebSocketProtocolViolation.ReservedBitSet;
        }

        byte opcode = (byte)(first & WebSocketFrameLimits.OpcodeBits);
        if (!WebSocketFrameWriter.IsDefinedOpcode(opcode))
        {
            return WebSocketProtocolViolation.ReservedOpcode;
        }

        bool isControl = (opcode & WebSocketFrameLimits.ControlOpcodeBit) != 0;
        if ((first & WebSocketFrameLimits.Rsv1Bit) != 0)
        {
            if (!Has(ReaderFlags.AllowRsv1))
            {
                return WebSocketProtocolViolation.ReservedBitSet;
            }

            if (isControl || opcode == (byte)WebSocketOpcode.Continuation)
            {
                return WebSocketProtocolViolation.Rsv1OnControlOrContinuationFrame;
            }
        }

        if (isControl)
        {
            return (first & WebSocketFrameLimits.FinBit) == 0
                ? WebSocketProtocolViolation.FragmentedControlFrame
                : WebSocketProtocolViolation.None;
        }

        if (opcode == (byte)WebSocketOpcode.Continuation)
        {
            return _messageOpcode == 0 ? WebSocketProtocolViolation.UnexpectedContinuation : WebSocketProtocolViolation.None;
        }

        return _messageOpcode != 0 ? WebSocketProtocolViolation.DataFrameInsideFragmentedMessage : WebSocketProtocolViolation.None;
    }

    private WebSocketProtocolViolation CheckSecondByte(byte first, byte second)
    {
        bool masked = (second & WebSocketFrameLimits.MaskBit) != 0;
        if (Has(ReaderFlags.ExpectMasked) != masked)
        {
            return masked ? WebSocketProtocolViolation.MaskedServerFrame : WebSocketProtocolViolation.UnmaskedClientFrame;
        }

        bool isControl = (first & WebSocketFrameLimits.ControlOpcodeBit) != 0;
        if (isControl && (second & WebSocketFrameLimits.LengthBits) > WebSocketFrameLimits.MaxControlPayloadLength)
        {
            return WebSocketProtocolViolation.ControlFrameTooLong;
        }

        return WebSocketProtocolViolation.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HeaderLength(byte second)
    {
        int length = (second & WebSocketFrameLimits.LengthBits) switch
        {
            WebSocketFrameLimits.SixteenBitLengthMarker => WebSocketFrameLimits.BaseHeaderLength + sizeof(ushort),
            WebSocketFrameLimits.SixtyFourBitLengthMarker => WebSocketFrameLimits.BaseHeaderLength + sizeof(ulong),
            _ => WebSocketFrameLimits.BaseHeaderLength,
        };
        return (second & WebSocketFrameLimits.MaskBit) != 0 ? length + WebSocketFrameLimits.MaskKeyLength : length;
    }

    /// <summary>Validates the length of a complete, already byte-checked header and sets up the frame.</summary>
    private WebSocketProtocolViolation BeginFrame(ReadOnlySpan<byte> header)
    {
        byte first = header[0];
        byte second = header[1];
        long payloadLength = second & WebSocketFrameLimits.LengthBits;
        int position = WebSocketFrameLimits.BaseHeaderLength;
        if (payloadLength == WebSocketFrameLimits.SixteenBitLengthMarker)
        {
            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(header[position..]);
            position += sizeof(ushort);
            if (payloadLength <= WebSocketFrameLimits.MaxSevenBitLength)
            {
                return WebSocketProtocolViolation.NonMinimalPayloadLength;
            }
        }
        else if (payloadLength == WebSocketFrameLimits.SixtyFourBitLengthMarker)
        {
            ulong raw = BinaryPrimitives.ReadUInt64BigEndian(header[position..]);
            position += sizeof(ulong);
            if (raw > long.MaxValue)
            {
                return WebSocketProtocolViolation.PayloadLengthHighBitSet;
            }

            if (raw <= WebSocketFrameLimits.MaxSixteenBitLength)
            {
                return WebSocketProtocolViolation.NonMinimalPayloadLength;
            }

            payloadLength = (long)raw;
        }

        byte opcode = (byte)(first & WebSocketFrameLimits.OpcodeBits);
        if ((opcode & WebSocketFrameLimits.ControlOpcodeBit) != 0)
        {
            _stage = ReadStage.ControlPayload;
            _controlCount = 0;
        }
        else
        {
            int previous = opcode == (byte)WebSocketOpcode.Continuation ? _messageBytes : 0;
            // Fail as soon as the header announces it: no byte of an oversized message is ever buffered.
            if (payloadLength > _maxMessageSize - previous)
            {
                return WebSocketProtocolViolation.MessageTooBig;
            }

            if (opcode != (byte)WebSocketOpcode.Continuation)
            {
                _messageOpcode = opcode;
                _messageBytes = 0;
                Set(ReaderFlags.MessageCompressed, (first & WebSocketFrameLimits.Rsv1Bit) != 0);
                _utf8.Reset();
            }

            _stage = ReadStage.DataPayload;
        }

        _payloadRemaining = (int)payloadLength;
        _frameFirstByte = first;
        _maskOffset = 0;
        bool masked = (second & WebSocketFrameLimits.MaskBit) != 0;
        Set(ReaderFlags.FrameMasked, masked);
        _maskKey = masked ? WebSocketMask.ReadKey(header[position..]) : 0;
        return WebSocketProtocolViolation.None;
    }

    /// <summary>Room for the longest header (2 + 8 + 4 bytes) kept inline, so a split header costs no buffer.</summary>
    [InlineArray(WebSocketFrameLimits.MaxHeaderLength)]
    private struct HeaderBytes
    {
        private byte _element;
    }
}
