using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;

namespace ActorWs.Server.Connections;

/// <summary>
/// permessage-deflate on one connection. With the default (no context takeover) neither codec holds a zlib
/// stream between messages: they rent one from the shared pool per message, so an idle compressed connection
/// costs only the two small codec objects.
/// </summary>
internal sealed partial class ConnectionActor
{
    /// <summary>Inflated messages are written here, then copied into the session's message; one per thread.</summary>
    [ThreadStatic]
    private static PooledBufferWriter? t_inflated;

    /// <summary>Buffers larger than this are not kept per thread after an inflated message.</summary>
    private const int KeptInflateBuffer = 64 * 1024;

    private PerMessageDeflateCompressor? _compressor;
    private PerMessageDeflateDecompressor? _decompressor;
    private long _compressionKey;
    private bool _compressionShareable;

    private void EnableCompression(PerMessageDeflateParameters parameters, PerMessageDeflateSettings settings, int maxMessageSize)
    {
        _reader!.AllowRsv1 = true;
        _compressor = PerMessageDeflateCompressor.ForServer(parameters, settings);
        _decompressor = PerMessageDeflateDecompressor.ForServer(parameters, maxMessageSize);
        // Without context takeover a compressed frame depends only on its payload and these settings,
        // so connections that agree on them share one compressed copy of a broadcast.
        _compressionShareable = parameters.ServerNoContextTakeover;
        _compressionKey = ((long)parameters.ServerMaxWindowBits << 32) | ((long)settings.CompressionLevel << 16) | (long)settings.MemoryLevel;
    }

    /// <summary>The frame to send for <paramref name="frame"/>: its compressed form when compression is on and pays.</summary>
    private OutboundFrame MaybeCompress(OutboundFrame frame)
    {
        if (_compressor is null || !frame.IsDataMessage || frame.PayloadLength < _compressor.Threshold) return frame;
        var compressed = frame.GetCompressed(_compressor, _compressionKey, _compressionShareable);
        if (compressed is null) return frame;
        frame.Release();
        return compressed;
    }

    /// <summary>
    /// Inflates a compressed message and delivers it; false when the connection is being failed. What it may inflate to is
    /// bounded before inflating starts: <c>server.limits.max-inflation-ratio</c> times its compressed size (at least
    /// <see cref="InflationRatioFloor"/>, at most the message size limit), past which it is refused with 1009; and that
    /// bound is reserved from the memory budget for the time of the inflation (refused: 1013).
    /// </summary>
    private bool DeliverCompressed(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var decompressor = _decompressor!;
        int ratio = _runtime.Options.Limits.MaxInflationRatio;
        int limit = decompressor.MaxMessageSize;
        bool ratioBound = ratio > 0 && Math.Max(InflationRatioFloor, (long)payload.Length * ratio) < limit;
        if (ratioBound) limit = (int)Math.Max(InflationRatioFloor, (long)payload.Length * ratio);
        decompressor.MessageLimit = limit;
        bool charged = limit >= ChargedMessageSize;
        if (charged && !Holder.TryCharge(limit))
        {
            RefuseForMemory();
            return false;
        }
        var inflated = t_inflated ??= new PooledBufferWriter(LargeBufferPool.Instance);
        try
        {
            inflated.Clear();
            var result = decompressor.Decompress(payload, isEndOfMessage: true, inflated, isText: opcode == WebSocketOpcode.Text);
            if (result.IsError)
            {
                if (result.Status == PerMessageDecompressionStatus.MessageTooBig && ratioBound)
                    FailConnection(WebSocketCloseCode.MessageTooBig, $"compressed message inflates more than {ratio} times its size", WebSocketProtocolViolation.None);
                else
                    FailConnection(result.CloseCode, result.Reason, WebSocketProtocolViolation.None);
                return false;
            }
            return Deliver(opcode == WebSocketOpcode.Text ? System.Net.WebSockets.WebSocketMessageType.Text : System.Net.WebSockets.WebSocketMessageType.Binary, inflated.WrittenSpan);
        }
        finally
        {
            inflated.Clear();
            if (inflated.Capacity > KeptInflateBuffer) inflated.ReleaseBuffer();
            if (charged) _holder!.Refund(limit);
        }
    }

    private void DisposeCompression()
    {
        _compressor?.Dispose();
        _decompressor?.Dispose();
    }
}
