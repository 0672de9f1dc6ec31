namespace ActorWs.Protocol.Frames;

/// <summary>The frame opcodes defined by RFC 6455 §5.2 (values 3–7 and 11–15 are reserved).</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum WebSocketOpcode : byte
{
    /// <summary>%x0: continues a fragmented data message (§5.4).</summary>
    Continuation = 0x0,

    /// <summary>%x1: the first frame of a text message (UTF-8 payload).</summary>
    Text = 0x1,

    /// <summary>%x2: the first frame of a binary message.</summary>
    Binary = 0x2,

    /// <summary>%x8: connection close (§5.5.1).</summary>
    Close = 0x8,

    /// <summary>%x9: ping (§5.5.2).</summary>
    Ping = 0x9,

    /// <summary>%xA: pong (§5.5.3).</summary>
    Pong = 0xA,
}
