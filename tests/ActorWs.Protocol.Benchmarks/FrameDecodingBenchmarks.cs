using ActorWs.Protocol.Frames;
using BenchmarkDotNet.Attributes;

namespace ActorWs.Protocol.Benchmarks;

/// <summary>
/// Decoding throughput of the frame reader on masked client traffic. Results are per frame (OperationsPerInvoke).
/// </summary>
/// <remarks>
/// The reader unmasks in place, so each invocation flips the buffer between masked and clear. The mask key bytes and the
/// payload are chosen so both states are ASCII: every invocation then does the same work (unmask + UTF-8 check) on valid
/// text, without a restore copy inside the measurement.
/// </remarks>
[MemoryDiagnoser]
public class FrameDecodingBenchmarks
{
    private const int SmallFrameCount = 1000;
    private const int SmallPayloadLength = 32;
    private const int LargeFrameCount = 16;
    private const int LargePayloadLength = 64 * 1024;
    private const int SocketReadSize = 4096;
    private const uint AsciiSafeMaskKey = 0x04030201; // key bytes 01 02 03 04 keep ASCII letters ASCII

    private byte[] _smallText = [];
    private byte[] _largeBinary = [];
    private WebSocketFrameReader _reader = null!;
    private WebSocketFrameReader _pieceReader = null!;

    [GlobalSetup]
    public void Setup()
    {
        _smallText = BuildStream(SmallFrameCount, SmallPayloadLength, WebSocketOpcode.Text);
        _largeBinary = BuildStream(LargeFrameCount, LargePayloadLength, WebSocketOpcode.Binary);
        _reader = new WebSocketFrameReader();
        _pieceReader = new WebSocketFrameReader(new WebSocketFrameReaderOptions { ReassembleMessages = false });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        _pieceReader.Dispose();
    }

    /// <summary>1000 masked 32-byte text frames in one read buffer; every message delivered in place.</summary>
    [Benchmark(OperationsPerInvoke = SmallFrameCount)]
    public int Decode32ByteMaskedTextFrames() => DecodeAll(_reader, _smallText, _smallText.Length);

    /// <summary>16 masked 64 KiB binary frames in one 1 MiB read buffer; every message delivered in place.</summary>
    [Benchmark(OperationsPerInvoke = LargeFrameCount)]
    public int Decode64KiBMaskedBinaryFrames() => DecodeAll(_reader, _largeBinary, _largeBinary.Length);

    /// <summary>The same 64 KiB frames arriving in 4 KiB socket reads: each message is reassembled in a pooled buffer.</summary>
    [Benchmark(OperationsPerInvoke = LargeFrameCount)]
    public int Decode64KiBMaskedBinaryFramesIn4KiBReads() => DecodeAll(_reader, _largeBinary, SocketReadSize);

    /// <summary>4 KiB reads with piece delivery: no copy at all, the application sees each piece in place.</summary>
    [Benchmark(OperationsPerInvoke = LargeFrameCount)]
    public int Decode64KiBMaskedBinaryFramesIn4KiBReadsAsPieces() => DecodeAll(_pieceReader, _largeBinary, SocketReadSize);

    private static int DecodeAll(WebSocketFrameReader reader, byte[] stream, int readSize)
    {
        int delivered = 0;
        for (int offset = 0; offset < stream.Length; offset += readSize)
        {
            Span<byte> input = stream.AsSpan(offset, Math.Min(readSize, stream.Length - offset));
            while (true)
            {
                WebSocketFrameEvent ev = reader.Read(input, out int consumed);
                input = input[consumed..];
                if (ev.Kind == WebSocketFrameEventKind.NeedMoreData)
                {
                    break;
                }

                if (ev.Kind != WebSocketFrameEventKind.Message)
                {
                    throw new InvalidOperationException($"Unexpected {ev.Kind}: {ev.ErrorReason}");
                }

                delivered += ev.Payload.Length;
            }
        }

        return delivered;
    }

    private static byte[] BuildStream(int frames, int payloadLength, WebSocketOpcode opcode)
    {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        int frameLength = (int)WebSocketFrameWriter.GetFrameLength(payloadLength, masked: true);
        var stream = new byte[frameLength * frames];
        for (int i = 0; i < frames; i++)
        {
            WebSocketFrameWriter.WriteMaskedFrame(stream.AsSpan(i * frameLength), opcode, fin: true, payload, AsciiSafeMaskKey);
        }

        return stream;
    }
}
