namespace ActorWs.Protocol.Compression;

/// <summary>What <see cref="PerMessageDeflateCompressor"/> did with a message.</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum PerMessageCompressionOutcome : byte
{
    /// <summary>The compressed payload was written: send it with RSV1 set on the first frame.</summary>
    Compressed = 0,

    /// <summary>The message is shorter than the threshold: nothing was written; send the original without RSV1.</summary>
    BelowThreshold,

    /// <summary>
    /// Compression would not make the message smaller (no context takeover only, where skipping a message leaves no
    /// trace in the LZ77 window): nothing was written; send the original without RSV1.
    /// </summary>
    NoGain,
}

/// <summary>The outcome of compressing one message and the number of payload bytes written.</summary>
/// <param name="Outcome">Whether the message was compressed or should go out as it is.</param>
/// <param name="BytesWritten">Compressed payload bytes written (0 unless <see cref="PerMessageCompressionOutcome.Compressed"/>).</param>
/// <remarks>Thread safety: an immutable value.</remarks>
public readonly record struct PerMessageCompressionResult(PerMessageCompressionOutcome Outcome, int BytesWritten)
{
    /// <summary>Whether RSV1 must be set: the payload written is compressed.</summary>
    public bool IsCompressed => Outcome == PerMessageCompressionOutcome.Compressed;
}
