using System.Buffers.Binary;
using System.Text.Unicode;

namespace ActorWs.Protocol.Frames;

/// <summary>
/// Builds and parses the payload of a Close frame (RFC 6455 §5.5.1): an optional 2-byte big-endian
/// status code followed by an optional UTF-8 reason, 125 bytes at most in all.
/// </summary>
/// <remarks>Thread safety: pure functions; safe from any thread.</remarks>
public static class CloseFramePayload
{
    /// <summary>
    /// Writes a status code and a reason. The reason is encoded as UTF-8 (unpaired surrogates become U+FFFD)
    /// and cut at a character boundary so the payload never exceeds 125 bytes.
    /// </summary>
    /// <param name="destination">
    /// Where to write; bytes beyond the code are only used for the reason, so 2 bytes suffice for an empty
    /// reason and 125 bytes for any reason.
    /// </param>
    /// <param name="code">A status code valid in a Close frame (<see cref="WebSocketCloseCode.IsValidInCloseFrame"/>).</param>
    /// <param name="reason">The reason; truncated to what fits in 123 bytes and in <paramref name="destination"/>.</param>
    /// <returns>The payload length written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> may not be sent in a Close frame.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 2 bytes.</exception>
    public static int Write(Span<byte> destination, ushort code, ReadOnlySpan<char> reason)
    {
        if (!WebSocketCloseCode.IsValidInCloseFrame(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "This status code may not be sent in a Close frame (RFC 6455 §7.4).");
        }

        if (destination.Length < WebSocketFrameLimits.CloseCodeLength)
        {
            throw new ArgumentException("A Close payload with a status code needs at least 2 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, code);
        int room = Math.Min(destination.Length, WebSocketFrameLimits.MaxControlPayloadLength) - WebSocketFrameLimits.CloseCodeLength;
        // The transcoder only ever stops between whole scalar values, so a full destination cuts the
        // reason at a character boundary rather than in the middle of a multi-byte sequence.
        Utf8.FromUtf16(reason, destination.Slice(WebSocketFrameLimits.CloseCodeLength, room), out _, out int reasonBytes, replaceInvalidSequences: true, isFinalBlock: true);
        return WebSocketFrameLimits.CloseCodeLength + reasonBytes;
    }

    /// <summary>Parses and validates a received Close payload.</summary>
    /// <param name="payload">The unmasked payload of a Close frame (at most 125 bytes).</param>
    /// <param name="code">
    /// The status code, or <see cref="WebSocketCloseCode.NoStatusReceived"/> (1005) for an empty payload.
    /// </param>
    /// <param name="reason">The UTF-8 reason bytes (a slice of <paramref name="payload"/>), empty when absent.</param>
    /// <returns>
    /// <see cref="WebSocketProtocolViolation.None"/> for a valid payload; otherwise
    /// <see cref="WebSocketProtocolViolation.CloseFrameWithOneByte"/>, <see cref="WebSocketProtocolViolation.ControlFrameTooLong"/>,
    /// <see cref="WebSocketProtocolViolation.InvalidCloseCode"/> or <see cref="WebSocketProtocolViolation.InvalidCloseReasonUtf8"/>.
    /// </returns>
    public static WebSocketProtocolViolation TryParse(ReadOnlySpan<byte> payload, out ushort code, out ReadOnlySpan<byte> reason)
    {
        code = WebSocketCloseCode.NoStatusReceived;
        reason = default;
        if (payload.IsEmpty)
        {
            return WebSocketProtocolViolation.None;
        }

        if (payload.Length == 1)
        {
            return WebSocketProtocolViolation.CloseFrameWithOneByte;
        }

        if (payload.Length > WebSocketFrameLimits.MaxControlPayloadLength)
        {
            return WebSocketProtocolViolation.ControlFrameTooLong;
        }

        ushort received = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!WebSocketCloseCode.IsValidInCloseFrame(received))
        {
            return WebSocketProtocolViolation.InvalidCloseCode;
        }

        ReadOnlySpan<byte> text = payload[WebSocketFrameLimits.CloseCodeLength..];
        if (!Utf8.IsValid(text))
        {
            return WebSocketProtocolViolation.InvalidCloseReasonUtf8;
        }

        code = received;
        reason = text;
        return WebSocketProtocolViolation.None;
    }
}
