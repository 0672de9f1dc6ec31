using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Compression.Pooling;
using ActorWs.Protocol.Frames;
using Xunit;
using static ActorWs.Protocol.Tests.Compression.CompressionTestSupport;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>The codec driven the way a connection drives it: frames in from the reader, frames out through the writer.</summary>
public class FrameIntegrationTests
{
    private static byte[] Masked(params (WebSocketOpcode Opcode, bool Fin, bool Rsv1, byte[] Payload)[] frames)
    {
        var wire = new List<byte>();
        foreach ((WebSocketOpcode opcode, bool fin, bool rsv1, byte[] payload) in frames)
        {
            var frame = new byte[WebSocketFrameWriter.GetFrameLength(payload.Length, masked: true)];
            WebSocketFrameWriter.WriteMaskedFrame(frame, opcode, fin, payload, 0x37fa213d, rsv1);
            wire.AddRange(frame);
        }

        return [.. wire];
    }

    /// <summary>Feeds the wire through a server reader and inflates compressed messages piece by piece.</summary>
    private static List<(WebSocketOpcode Opcode, bool Compressed, byte[] Message)> Receive(byte[] wire, bool reassemble, PerMessageDeflateDecompressor decompressor, int readSize)
    {
        var reader = new WebSocketFrameReader(new WebSocketFrameReaderOptions { AllowRsv1 = true, ReassembleMessages = reassemble });
        using var message = new PooledBufferWriter();
        var received = new List<(WebSocketOpcode, bool, byte[])>();
        bool compressed = false;
        for (int offset = 0; offset < wire.Length; offset += readSize)
        {
            Span<byte> input = wire.AsSpan(offset, Math.Min(readSize, wire.Length - offset));
            while (true)
            {
                WebSocketFrameEvent ev = reader.Read(input, out int consumed);
                input = input[consumed..];
                if (ev.Kind == WebSocketFrameEventKind.NeedMoreData)
                {
                    break;
                }

                Assert.Equal(WebSocketFrameEventKind.Message, ev.Kind);
                compressed = ev.IsCompressed;
                if (compressed)
                {
                    PerMessageDecompressionResult result = decompressor.Decompress(ev.Payload, ev.IsEndOfMessage, message, ev.Opcode == WebSocketOpcode.Text);
                    Assert.False(result.IsError, result.Reason);
                }
                else
                {
                    ev.Payload.CopyTo(message.GetSpan(ev.Payload.Length));
                    message.Advance(ev.Payload.Length);
                }

                if (ev.IsEndOfMessage)
                {
                    received.Add((ev.Opcode, compressed, message.WrittenSpan.ToArray()));
                    message.Clear();
                }
            }
        }

        return received;
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 1000)]
    [InlineData(false, 1)]
    [InlineData(false, 3)]
    [InlineData(false, 1000)]
    public void The_rfc_fragmented_message_and_an_uncompressed_one_arrive_intact(bool reassemble, int readSize)
    {
        byte[] wire = Masked(
            (WebSocketOpcode.Text, false, true, Hex("f2 48 cd")),        // §7.2.3.1: RSV1 on the first frame only
            (WebSocketOpcode.Continuation, true, false, Hex("c9 c9 07 00")),
            (WebSocketOpcode.Text, true, false, "plain"u8.ToArray()),    // RSV1 is per message
            (WebSocketOpcode.Binary, true, true, Hex("00")));             // an empty compressed message
        using PerMessageDeflateStreamPool pool = NewPool();
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);

        var received = Receive(wire, reassemble, decompressor, readSize);

        Assert.Equal(3, received.Count);
        Assert.Equal((WebSocketOpcode.Text, true, "Hello"), (received[0].Opcode, received[0].Compressed, System.Text.Encoding.UTF8.GetString(received[0].Message)));
        Assert.Equal((WebSocketOpcode.Text, false, "plain"), (received[1].Opcode, received[1].Compressed, System.Text.Encoding.UTF8.GetString(received[1].Message)));
        Assert.Equal((WebSocketOpcode.Binary, true, 0), (received[2].Opcode, received[2].Compressed, received[2].Message.Length));
    }

    [Fact]
    public void A_compressed_frame_without_negotiation_is_a_protocol_error()
    {
        var reader = new WebSocketFrameReader(); // AllowRsv1 stays off until permessage-deflate is accepted
        byte[] wire = Masked((WebSocketOpcode.Text, true, true, Hex("f2 48 cd c9 c9 07 00")));

        WebSocketFrameEvent ev = reader.Read(wire, out _);

        Assert.Equal(WebSocketFrameEventKind.ProtocolError, ev.Kind);
        Assert.Equal(WebSocketCloseCode.ProtocolError, ev.ErrorCloseCode);
    }

    [Fact]
    public void Rsv1_on_a_continuation_frame_is_a_protocol_error()
    {
        var reader = new WebSocketFrameReader(new WebSocketFrameReaderOptions { AllowRsv1 = true });
        byte[] wire = Masked((WebSocketOpcode.Text, false, true, Hex("f2 48 cd")), (WebSocketOpcode.Continuation, true, true, Hex("c9 c9 07 00")));

        WebSocketFrameEvent ev = reader.Read(wire, out _);

        Assert.Equal(WebSocketFrameEventKind.ProtocolError, ev.Kind);
        Assert.Equal(WebSocketProtocolViolation.Rsv1OnControlOrContinuationFrame, ev.Violation);
    }

    [Fact]
    public void Control_frames_cannot_be_written_compressed()
    {
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteHeader(new byte[16], WebSocketOpcode.Ping, true, 4, rsv1: true));
    }

    [Fact]
    public void Server_frames_compressed_after_negotiation_decode_on_the_client_side()
    {
        PerMessageDeflateNegotiation negotiation = PerMessageDeflateNegotiator.Negotiate(["permessage-deflate; client_max_window_bits"], PerMessageDeflateSettings.Default with { Threshold = 10 });
        using PerMessageDeflateStreamPool pool = NewPool();
        using var compressor = PerMessageDeflateCompressor.ForServer(negotiation.Parameters!, PerMessageDeflateSettings.Default with { Threshold = 10 }, pool);
        // The client inflates with the server's window and context-takeover rule.
        using var clientInflater = new PerMessageDeflateDecompressor(negotiation.Parameters!.ServerMaxWindowBits, !negotiation.Parameters.ServerNoContextTakeover, pool: pool);
        var clientReader = new WebSocketFrameReader(new WebSocketFrameReaderOptions { Role = WebSocketRole.Client, AllowRsv1 = true });
        string[] messages = ["hi", "{\"type\":\"chat\",\"text\":\"hello hello hello hello\"}", "{\"type\":\"chat\",\"text\":\"hello hello hello hello\"}"];

        foreach (string text in messages)
        {
            byte[] message = System.Text.Encoding.UTF8.GetBytes(text);
            const int reserve = WebSocketFrameLimits.MaxUnmaskedHeaderLength;
            byte[] frame = new byte[reserve + PerMessageDeflateCompressor.GetMaxCompressedLength(message.Length)];
            PerMessageCompressionResult result = compressor.Compress(message, frame.AsSpan(reserve));
            int payloadLength = result.IsCompressed ? result.BytesWritten : message.Length;
            if (!result.IsCompressed)
            {
                message.CopyTo(frame, reserve);
            }

            // Header written right-aligned in front of the payload: no copy of the payload.
            int headerLength = WebSocketFrameWriter.GetHeaderLength(payloadLength);
            WebSocketFrameWriter.WriteHeader(frame.AsSpan(reserve - headerLength), WebSocketOpcode.Text, true, payloadLength, rsv1: result.IsCompressed);

            WebSocketFrameEvent ev = clientReader.Read(frame.AsSpan(reserve - headerLength, headerLength + payloadLength), out _);
            Assert.Equal(text.Length >= 10, ev.IsCompressed);
            byte[] decoded;
            if (ev.IsCompressed)
            {
                using var output = new PooledBufferWriter();
                Assert.Equal(PerMessageDecompressionStatus.Completed, clientInflater.Decompress(ev.Payload, true, output, isText: true).Status);
                decoded = output.WrittenSpan.ToArray();
            }
            else
            {
                decoded = ev.Payload.ToArray();
            }

            Assert.Equal(text, System.Text.Encoding.UTF8.GetString(decoded));
        }
    }
}
