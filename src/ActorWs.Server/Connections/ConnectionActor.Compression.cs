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

    /// <summary>Inflates a compressed message and delivers it; false when the connection is being failed.</summary>
    private bool DeliverCompressed(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var inflated = t_inflated ??= new PooledBufferWriter();
        inflated.Clear();
        var result = _decompressor!.Decompress(payload, isEndOfMessage: true, inflated, isText: opcode == WebSocketOpcode.Text);
        if (result.IsError)
        {
            FailConnection(result.CloseCode, result.Reason, WebSocketProtocolViolation.None);
            return false;
        }
        Deliver(opcode == WebSocketOpcode.Text ? System.Net.WebSockets.WebSocketMessageType.Text : System.Net.WebSockets.WebSocketMessageType.Binary, inflated.WrittenSpan);
        inflated.Clear();
        if (inflated.Capacity > KeptInflateBuffer) inflated.ReleaseBuffer();
        return true;
    }

    private void DisposeCompression()
    {
        _compressor?.Dispose();
        _decompressor?.Dispose();
    }
}
