namespace ActorWs.Protocol.Frames;

/// <summary>What a <see cref="WebSocketFrameReader.Read"/> call produced.</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum WebSocketFrameEventKind : byte
{
    /// <summary>All input was absorbed and no event is complete yet: read more bytes and call again.</summary>
    NeedMoreData = 0,

    /// <summary>A text or binary message (or, with message reassembly off, the next piece of one).</summary>
    Message,

    /// <summary>A Ping frame; answer with a Pong carrying the same payload.</summary>
    Ping,

    /// <summary>A Pong frame.</summary>
    Pong,

    /// <summary>A valid Close frame; the reader accepts no frames after it.</summary>
    Close,

    /// <summary>The peer broke the protocol: fail the connection with <see cref="WebSocketFrameEvent.ErrorCloseCode"/>.</summary>
    ProtocolError,
}

/// <summary>
/// One event decoded by <see cref="WebSocketFrameReader"/>: a message (or piece of one), a control frame,
/// or a protocol error. It borrows memory: <see cref="Payload"/> is a slice of the caller's input or of a
/// pooled buffer owned by the reader, valid until the caller reuses its input or calls the reader again.
/// </summary>
/// <remarks>Thread safety: a read-only ref struct living on the caller's stack; the memory it points to is not synchronized.</remarks>
public readonly ref struct WebSocketFrameEvent
{
    private readonly Span<byte> _payload;

    private WebSocketFrameEvent(WebSocketFrameEventKind kind, WebSocketOpcode opcode, Span<byte> payload, bool endOfMessage, bool compressed, ushort closeCode, WebSocketProtocolViolation violation)
    {
        Kind = kind;
        Opcode = opcode;
        _payload = payload;
        IsEndOfMessage = endOfMessage;
        IsCompressed = compressed;
        CloseCode = closeCode;
        Violation = violation;
    }

    /// <summary>What happened.</summary>
    public WebSocketFrameEventKind Kind { get; }

    /// <summary>
    /// <see cref="WebSocketOpcode.Text"/> or <see cref="WebSocketOpcode.Binary"/> for messages (the opcode of the
    /// message's first frame); <see cref="WebSocketOpcode.Ping"/>, <see cref="WebSocketOpcode.Pong"/> or
    /// <see cref="WebSocketOpcode.Close"/> for control frames; <see cref="WebSocketOpcode.Continuation"/> otherwise.
    /// </summary>
    public WebSocketOpcode Opcode { get; }

    /// <summary>
    /// The unmasked payload: the message (or message piece), the ping/pong data, or the whole Close payload.
    /// Empty for <see cref="WebSocketFrameEventKind.NeedMoreData"/> and <see cref="WebSocketFrameEventKind.ProtocolError"/>.
    /// </summary>
    public Span<byte> Payload => _payload;

    /// <summary>For messages: whether this completes the message (always <see langword="true"/> when the reader reassembles messages).</summary>
    public bool IsEndOfMessage { get; }

    /// <summary>
    /// For messages: RSV1 of the message's first frame, i.e. "compressed" under permessage-deflate. Such text
    /// payloads are not UTF-8 validated by the reader; validate after inflating.
    /// </summary>
    public bool IsCompressed { get; }

    /// <summary>
    /// For <see cref="WebSocketFrameEventKind.Close"/>: the received status code, or
    /// <see cref="WebSocketCloseCode.NoStatusReceived"/> (1005) when the frame had none.
    /// For <see cref="WebSocketFrameEventKind.ProtocolError"/>: the same as <see cref="ErrorCloseCode"/>. Otherwise 0.
    /// </summary>
    public ushort CloseCode { get; }

    /// <summary>For <see cref="WebSocketFrameEventKind.Close"/>: the UTF-8 reason (already validated); otherwise empty.</summary>
    public ReadOnlySpan<byte> CloseReason =>
        Kind == WebSocketFrameEventKind.Close && _payload.Length > WebSocketFrameLimits.CloseCodeLength
            ? _payload[WebSocketFrameLimits.CloseCodeLength..]
            : default;

    /// <summary>For <see cref="WebSocketFrameEventKind.ProtocolError"/>: the rule that was broken; otherwise <see cref="WebSocketProtocolViolation.None"/>.</summary>
    public WebSocketProtocolViolation Violation { get; }

    /// <summary>For <see cref="WebSocketFrameEventKind.ProtocolError"/>: the status code to close with (1002, 1007 or 1009).</summary>
    public ushort ErrorCloseCode => Violation == WebSocketProtocolViolation.None ? (ushort)0 : Violation.CloseCode();

    /// <summary>For <see cref="WebSocketFrameEventKind.ProtocolError"/>: a short constant reason for the Close frame; otherwise empty.</summary>
    public string ErrorReason => Violation.Reason();

    internal static WebSocketFrameEvent NeedMoreData => default;

    internal static WebSocketFrameEvent Message(WebSocketOpcode opcode, Span<byte> payload, bool endOfMessage, bool compressed) =>
        new(WebSocketFrameEventKind.Message, opcode, payload, endOfMessage, compressed, 0, WebSocketProtocolViolation.None);

    internal static WebSocketFrameEvent Control(WebSocketFrameEventKind kind, WebSocketOpcode opcode, Span<byte> payload, ushort closeCode) =>
        new(kind, opcode, payload, endOfMessage: true, compressed: false, closeCode, WebSocketProtocolViolation.None);

    internal static WebSocketFrameEvent Error(WebSocketProtocolViolation violation) =>
        new(WebSocketFrameEventKind.ProtocolError, WebSocketOpcode.Continuation, default, endOfMessage: false, compressed: false, violation.CloseCode(), violation);
}
