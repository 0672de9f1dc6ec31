using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Http;
using Xunit;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>
/// .NET's own permessage-deflate client (<see cref="ClientWebSocket"/> with <see cref="WebSocketDeflateOptions"/>) against
/// a minimal echo server made of this library's pieces, over loopback: negotiation answer, inflating its compressed
/// frames and its inflating ours.
/// </summary>
public class ClientWebSocketInteropTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Accepts one connection, negotiates, then echoes every data message back (compressed when possible).</summary>
    private static async Task<(string? Answer, int CompressedReceived)> EchoOnceAsync(TcpListener listener, PerMessageDeflateSettings settings, CancellationToken cancel)
    {
        using Socket socket = await listener.AcceptSocketAsync(cancel);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        byte[] buffer = new byte[64 * 1024];
        using var parser = new HttpRequestHeadParser();
        HttpHeadParseResult parsed;
        int read;
        do
        {
            read = await stream.ReadAsync(buffer, cancel);
            Assert.True(read > 0, "client closed during the handshake");
            parsed = parser.Feed(buffer.AsSpan(0, read));
        }
        while (parsed.Status == HttpHeadParseStatus.NeedMore);

        Assert.Equal(HttpHeadParseStatus.Complete, parsed.Status);
        Assert.True(WebSocketUpgradeValidator.TryValidate(parsed.Head!, out WebSocketUpgradeRequest? upgrade, out _));
        PerMessageDeflateNegotiation deflate = PerMessageDeflateNegotiator.Negotiate(upgrade.ExtensionOffers, settings);
        byte[] response = new byte[HandshakeResponseWriter.GetSwitchingProtocolsLength(upgrade.AcceptValue, null, deflate.ResponseHeaderValue)];
        Assert.True(HandshakeResponseWriter.TryWriteSwitchingProtocols(response, upgrade.AcceptValue, null, deflate.ResponseHeaderValue, out int responseLength));
        await stream.WriteAsync(response.AsMemory(0, responseLength), cancel);

        var reader = new WebSocketFrameReader(new WebSocketFrameReaderOptions { AllowRsv1 = deflate.IsAccepted, ReassembleMessages = false });
        using PerMessageDeflateCompressor? compressor = deflate.IsAccepted ? PerMessageDeflateCompressor.ForServer(deflate.Parameters!, settings) : null;
        using PerMessageDeflateDecompressor? inflater = deflate.IsAccepted ? PerMessageDeflateDecompressor.ForServer(deflate.Parameters!) : null;
        using var message = new PooledBufferWriter();
        int compressedReceived = 0;
        int leftover = read - parsed.Consumed;
        Buffer.BlockCopy(buffer, parsed.Consumed, buffer, 0, leftover);
        while (true)
        {
            Memory<byte> input = buffer.AsMemory(0, leftover);
            leftover = 0;
            while (true)
            {
                (WebSocketFrameEventKind kind, WebSocketOpcode opcode, bool end, bool compressed, int consumed, byte[]? reply) = Step(reader, input.Span, inflater, compressor, message);
                input = input[consumed..];
                if (kind == WebSocketFrameEventKind.NeedMoreData)
                {
                    break;
                }

                Assert.NotEqual(WebSocketFrameEventKind.ProtocolError, kind);
                compressedReceived += kind == WebSocketFrameEventKind.Message && compressed && end ? 1 : 0;
                if (reply is not null)
                {
                    await stream.WriteAsync(reply, cancel);
                }

                if (kind == WebSocketFrameEventKind.Close)
                {
                    return (deflate.ResponseHeaderValue, compressedReceived);
                }
            }

            read = await stream.ReadAsync(buffer, cancel);
            Assert.True(read > 0, "client closed without a Close frame");
            leftover = read;
        }
    }

    /// <summary>One reader event, handled synchronously (spans cannot cross awaits).</summary>
    private static (WebSocketFrameEventKind, WebSocketOpcode, bool, bool, int, byte[]?) Step(
        WebSocketFrameReader reader, Span<byte> input, PerMessageDeflateDecompressor? inflater, PerMessageDeflateCompressor? compressor, PooledBufferWriter message)
    {
        WebSocketFrameEvent ev = reader.Read(input, out int consumed);
        byte[]? reply = null;
        if (ev.Kind == WebSocketFrameEventKind.Message)
        {
            if (ev.IsCompressed)
            {
                PerMessageDecompressionResult result = inflater!.Decompress(ev.Payload, ev.IsEndOfMessage, message, ev.Opcode == WebSocketOpcode.Text);
                Assert.False(result.IsError, result.Reason);
            }
            else
            {
                ev.Payload.CopyTo(message.GetSpan(ev.Payload.Length));
                message.Advance(ev.Payload.Length);
            }

            if (ev.IsEndOfMessage)
            {
                reply = Frame(ev.Opcode, message.WrittenSpan, compressor);
                message.Clear();
            }
        }
        else if (ev.Kind == WebSocketFrameEventKind.Close)
        {
            reply = new byte[WebSocketFrameWriter.MaxCloseFrameLength];
            reply = reply[..WebSocketFrameWriter.WriteCloseFrame(reply, WebSocketCloseCode.NormalClosure, "bye")];
        }

        return (ev.Kind, ev.Opcode, ev.IsEndOfMessage, ev.IsCompressed, consumed, reply);
    }

    private static byte[] Frame(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, PerMessageDeflateCompressor? compressor)
    {
        const int reserve = WebSocketFrameLimits.MaxUnmaskedHeaderLength;
        byte[] frame = new byte[reserve + PerMessageDeflateCompressor.GetMaxCompressedLength(payload.Length)];
        PerMessageCompressionResult result = compressor?.Compress(payload, frame.AsSpan(reserve)) ?? default;
        int length = result.IsCompressed ? result.BytesWritten : payload.Length;
        if (!result.IsCompressed)
        {
            payload.CopyTo(frame.AsSpan(reserve));
        }

        int headerLength = WebSocketFrameWriter.GetHeaderLength(length);
        WebSocketFrameWriter.WriteHeader(frame.AsSpan(reserve - headerLength), opcode, fin: true, length, rsv1: result.IsCompressed);
        return frame[(reserve - headerLength)..(reserve + length)];
    }

    [Theory]
    [InlineData(true, true, PerMessageDeflateContextTakeover.None)]
    [InlineData(true, true, PerMessageDeflateContextTakeover.Both)]
    [InlineData(false, false, PerMessageDeflateContextTakeover.Both)]
    [InlineData(true, false, PerMessageDeflateContextTakeover.Server)]
    public async Task ClientWebSocket_with_deflate_exchanges_messages_both_ways(bool clientTakeover, bool serverTakeover, PerMessageDeflateContextTakeover policy)
    {
        using var cancel = new CancellationTokenSource(Deadline);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var settings = new PerMessageDeflateSettings { ContextTakeover = policy, Threshold = 16 };
            Task<(string? Answer, int CompressedReceived)> server = EchoOnceAsync(listener, settings, cancel.Token);

            using var client = new ClientWebSocket();
            client.Options.CollectHttpResponseDetails = true;
            client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions { ClientContextTakeover = clientTakeover, ServerContextTakeover = serverTakeover, ClientMaxWindowBits = 12 };
            await client.ConnectAsync(new Uri($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"), cancel.Token);

            string[] messages =
            [
                "hi",
                string.Concat(Enumerable.Repeat("{\"type\":\"chat\",\"text\":\"hello world\"}", 50)),
                string.Concat(Enumerable.Repeat("{\"type\":\"chat\",\"text\":\"hello world\"}", 50)),
                string.Concat(Enumerable.Range(0, 5000).Select(i => (char)('a' + (i * 7 % 26)))),
                "é😀€ unicode survives",
            ];
            byte[] receive = new byte[1 << 20];
            foreach (string text in messages)
            {
                await client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancel.Token);
                int total = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await client.ReceiveAsync(receive.AsMemory(total), cancel.Token);
                    total += result.Count;
                }
                while (!result.EndOfMessage);

                Assert.Equal(text, Encoding.UTF8.GetString(receive, 0, total));
            }

            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancel.Token);
            (string? answer, int compressedReceived) = await server.WaitAsync(cancel.Token);

            Assert.Equal(answer, client.HttpResponseHeaders!["Sec-WebSocket-Extensions"].Single());
            Assert.Equal(messages.Length, compressedReceived); // .NET compresses every message once negotiated
        }
        finally
        {
            listener.Stop();
        }
    }
}
