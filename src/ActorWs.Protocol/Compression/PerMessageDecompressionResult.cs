using ActorWs.Protocol.Frames;

namespace ActorWs.Protocol.Compression;

/// <summary>What <see cref="PerMessageDeflateDecompressor.Decompress"/> concluded.</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum PerMessageDecompressionStatus : byte
{
    /// <summary>The piece was inflated; the message continues in the next frame.</summary>
    NeedMoreData = 0,

    /// <summary>The message is complete: the output holds all of it.</summary>
    Completed,

    /// <summary>The inflated message would exceed the limit; inflation stopped at most one byte past it (close 1009).</summary>
    MessageTooBig,

    /// <summary>The payload is not a valid DEFLATE stream per RFC 7692 §7.2.2 (close 1007, see <see cref="PerMessageDeflate.InvalidCompressedDataCloseCode"/>).</summary>
    InvalidCompressedData,

    /// <summary>A text message inflated to invalid UTF-8 (RFC 6455 §8.1, close 1007).</summary>
    InvalidUtf8,
}

/// <summary>The outcome of inflating one piece of a compressed message.</summary>
/// <param name="Status">Progress or the fault found.</param>
/// <param name="BytesWritten">Bytes this call appended to the output (already advanced).</param>
/// <remarks>Thread safety: an immutable value.</remarks>
public readonly record struct PerMessageDecompressionResult(PerMessageDecompressionStatus Status, int BytesWritten)
{
    /// <summary>Whether the connection must be failed (<see cref="CloseCode"/> says how).</summary>
    public bool IsError => Status >= PerMessageDecompressionStatus.MessageTooBig;

    /// <summary>The status code to fail the connection with, or 0 when there is no error.</summary>
    public ushort CloseCode => Status switch
    {
        PerMessageDecompressionStatus.MessageTooBig => WebSocketCloseCode.MessageTooBig,
        PerMessageDecompressionStatus.InvalidCompressedData => PerMessageDeflate.InvalidCompressedDataCloseCode,
        PerMessageDecompressionStatus.InvalidUtf8 => WebSocketCloseCode.InvalidPayloadData,
        _ => 0,
    };

    /// <summary>A short constant reason for the Close frame, or empty when there is no error.</summary>
    public string Reason => Status switch
    {
        PerMessageDecompressionStatus.MessageTooBig => "decompressed message too big",
        PerMessageDecompressionStatus.InvalidCompressedData => "invalid compressed data",
        PerMessageDecompressionStatus.InvalidUtf8 => "invalid UTF-8 in text message",
        _ => string.Empty,
    };
}
