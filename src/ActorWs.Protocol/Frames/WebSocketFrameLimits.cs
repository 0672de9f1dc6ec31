namespace ActorWs.Protocol.Frames;

/// <summary>Sizes and limits of the RFC 6455 §5.2 base framing protocol.</summary>
/// <remarks>Thread safety: constants only.</remarks>
public static class WebSocketFrameLimits
{
    /// <summary>Control frames carry at most 125 payload bytes (§5.5).</summary>
    public const int MaxControlPayloadLength = 125;

    /// <summary>The largest payload length that fits the 7-bit length field.</summary>
    public const int MaxSevenBitLength = 125;

    /// <summary>The 7-bit length value announcing a 16-bit extended length.</summary>
    public const int SixteenBitLengthMarker = 126;

    /// <summary>The 7-bit length value announcing a 64-bit extended length.</summary>
    public const int SixtyFourBitLengthMarker = 127;

    /// <summary>The largest payload length that fits the 16-bit extended length field.</summary>
    public const int MaxSixteenBitLength = ushort.MaxValue;

    /// <summary>The two fixed header bytes: FIN/RSV/opcode and MASK/length.</summary>
    public const int BaseHeaderLength = 2;

    /// <summary>The size of the masking key that follows the length when MASK is set.</summary>
    public const int MaskKeyLength = 4;

    /// <summary>The largest header a server (unmasked) frame can have: 2 + 8.</summary>
    public const int MaxUnmaskedHeaderLength = BaseHeaderLength + 8;

    /// <summary>The largest header any frame can have: 2 + 8 + 4.</summary>
    public const int MaxHeaderLength = BaseHeaderLength + 8 + MaskKeyLength;

    /// <summary>The default largest message (after reassembly) a reader accepts: 16 MiB.</summary>
    public const int DefaultMaxMessageSize = 16 * 1024 * 1024;

    /// <summary>A close frame payload carries a 2-byte status code before the reason (§5.5.1).</summary>
    public const int CloseCodeLength = 2;

    /// <summary>The longest UTF-8 close reason that fits a control frame: 125 − 2 = 123 bytes.</summary>
    public const int MaxCloseReasonLength = MaxControlPayloadLength - CloseCodeLength;

    // First header byte.
    internal const byte FinBit = 0x80;
    internal const byte Rsv1Bit = 0x40;
    internal const byte Rsv2Bit = 0x20;
    internal const byte Rsv3Bit = 0x10;
    internal const byte OpcodeBits = 0x0F;

    // Second header byte.
    internal const byte MaskBit = 0x80;
    internal const byte LengthBits = 0x7F;

    /// <summary>Opcodes with this bit set are control frames (§5.5).</summary>
    internal const byte ControlOpcodeBit = 0x08;
}
