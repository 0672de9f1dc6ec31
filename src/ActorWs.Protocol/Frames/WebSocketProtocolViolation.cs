namespace ActorWs.Protocol.Frames;

/// <summary>
/// The precise rule of RFC 6455 (or a configured limit) that received bytes broke. Each maps to the
/// close status code the connection must be failed with (<see cref="WebSocketProtocolViolations.CloseCode"/>)
/// and a short reason for the Close frame (<see cref="WebSocketProtocolViolations.Reason"/>).
/// </summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum WebSocketProtocolViolation : byte
{
    /// <summary>No violation.</summary>
    None = 0,

    /// <summary>§5.1: a client frame arrived without the MASK bit (1002).</summary>
    UnmaskedClientFrame,

    /// <summary>§5.1: a server frame arrived with the MASK bit set (1002).</summary>
    MaskedServerFrame,

    /// <summary>§5.2: RSV2 or RSV3 set, or RSV1 set with no extension that defines it (1002).</summary>
    ReservedBitSet,

    /// <summary>RFC 7692 §6: RSV1 set on a control frame or on a non-first fragment (1002).</summary>
    Rsv1OnControlOrContinuationFrame,

    /// <summary>§5.2: opcode 3–7 or 11–15 (1002).</summary>
    ReservedOpcode,

    /// <summary>§5.5: a control frame with a payload longer than 125 bytes (1002).</summary>
    ControlFrameTooLong,

    /// <summary>§5.5: a control frame without FIN (control frames must not be fragmented) (1002).</summary>
    FragmentedControlFrame,

    /// <summary>§5.4: a continuation frame with no fragmented message in progress (1002).</summary>
    UnexpectedContinuation,

    /// <summary>§5.4: a new text or binary frame while a fragmented message is still in progress (1002).</summary>
    DataFrameInsideFragmentedMessage,

    /// <summary>§5.2: a payload length not written in its minimal form (1002).</summary>
    NonMinimalPayloadLength,

    /// <summary>§5.2: a 64-bit payload length with its most significant bit set (1002).</summary>
    PayloadLengthHighBitSet,

    /// <summary>§5.5.1: a Close frame whose payload is exactly one byte (1002).</summary>
    CloseFrameWithOneByte,

    /// <summary>§7.4: a Close frame carrying a status code that must not be sent (1002).</summary>
    InvalidCloseCode,

    /// <summary>§5.5.1: a Close frame whose reason is not valid UTF-8 (1007).</summary>
    InvalidCloseReasonUtf8,

    /// <summary>§8.1: a text message that is not valid UTF-8 (1007).</summary>
    InvalidUtf8,

    /// <summary>A message longer than the configured maximum (1009).</summary>
    MessageTooBig,

    /// <summary>§5.5.1: a frame arrived after the peer's Close frame (1002).</summary>
    FrameAfterClose,

    /// <summary>
    /// Not a fault of the peer: the message is within the size limit, but the receiver's memory budget cannot hold it now
    /// (<see cref="IMessageBufferBudget"/> refused, or the receiver gave up on it to free memory). 1013, try again later.
    /// </summary>
    MessageCannotBeHeld,
}

/// <summary>Close codes and reasons for <see cref="WebSocketProtocolViolation"/> values.</summary>
/// <remarks>Thread safety: pure functions over constants; safe from any thread.</remarks>
public static class WebSocketProtocolViolations
{
    /// <summary>The close status code to fail the connection with (1002, 1007, 1009 or 1013; 1000 for <see cref="WebSocketProtocolViolation.None"/>).</summary>
    /// <param name="violation">The violation.</param>
    /// <returns>The RFC 6455 §7.4.1 status code.</returns>
    public static ushort CloseCode(this WebSocketProtocolViolation violation) => violation switch
    {
        WebSocketProtocolViolation.None => WebSocketCloseCode.NormalClosure,
        WebSocketProtocolViolation.InvalidUtf8 or WebSocketProtocolViolation.InvalidCloseReasonUtf8 => WebSocketCloseCode.InvalidPayloadData,
        WebSocketProtocolViolation.MessageTooBig => WebSocketCloseCode.MessageTooBig,
        WebSocketProtocolViolation.MessageCannotBeHeld => WebSocketCloseCode.TryAgainLater,
        _ => WebSocketCloseCode.ProtocolError,
    };

    /// <summary>A short, constant reason (ASCII, well under the 123-byte close reason limit) for the Close frame.</summary>
    /// <param name="violation">The violation.</param>
    /// <returns>The reason text; the same instance on every call, so it costs no allocation.</returns>
    public static string Reason(this WebSocketProtocolViolation violation) => violation switch
    {
        WebSocketProtocolViolation.None => "",
        WebSocketProtocolViolation.UnmaskedClientFrame => "client frame not masked",
        WebSocketProtocolViolation.MaskedServerFrame => "server frame masked",
        WebSocketProtocolViolation.ReservedBitSet => "reserved bit set",
        WebSocketProtocolViolation.Rsv1OnControlOrContinuationFrame => "RSV1 on control or continuation frame",
        WebSocketProtocolViolation.ReservedOpcode => "reserved opcode",
        WebSocketProtocolViolation.ControlFrameTooLong => "control frame longer than 125 bytes",
        WebSocketProtocolViolation.FragmentedControlFrame => "fragmented control frame",
        WebSocketProtocolViolation.UnexpectedContinuation => "continuation without a message in progress",
        WebSocketProtocolViolation.DataFrameInsideFragmentedMessage => "new data frame inside a fragmented message",
        WebSocketProtocolViolation.NonMinimalPayloadLength => "payload length not minimally encoded",
        WebSocketProtocolViolation.PayloadLengthHighBitSet => "64-bit payload length has its top bit set",
        WebSocketProtocolViolation.CloseFrameWithOneByte => "close frame payload of one byte",
        WebSocketProtocolViolation.InvalidCloseCode => "invalid close code",
        WebSocketProtocolViolation.InvalidCloseReasonUtf8 => "close reason is not valid UTF-8",
        WebSocketProtocolViolation.InvalidUtf8 => "text message is not valid UTF-8",
        WebSocketProtocolViolation.MessageTooBig => "message too big",
        WebSocketProtocolViolation.FrameAfterClose => "frame after close",
        WebSocketProtocolViolation.MessageCannotBeHeld => "server memory budget exhausted; try again later",
        _ => "protocol error",
    };
}
