using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ActorWs.Bench.Soak;

/// <summary>
/// The abusive clients that .NET's WebSocket client cannot be: a raw TCP socket that does the opening handshake by hand,
/// then writes one bad frame and reads until the server's close frame, whose code it returns.
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class RawAbuse
{
    /// <summary>The server's default message limit (<c>server.websocket.max-message-size</c>, 16 MiB).</summary>
    public const int ServerMaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>What the oversized frame announces and the bomb inflates to: 1 MiB past the limit.</summary>
    public const int OverLimitBytes = ServerMaxMessageBytes + (1024 * 1024);

    /// <summary>Payload bytes actually written after the oversized frame's header (the server must not wait for the rest).</summary>
    public const int OversizedBytesWritten = 4096;

    /// <summary>
    /// How long the server gets to answer with its close: longer than its <c>message-timeout</c> (30 s) so that a server that
    /// waits for the announced payload shows up as the wrong close code, not as a timeout of ours.
    /// </summary>
    public static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(40);

    private static readonly Lazy<byte[]> Bomb = new(() =>
    {
        // Zeros deflate about a thousand to one, so the bomb is ~17 KB on the wire. A raw deflate stream (no zlib header),
        // ended with a final block: RFC 7692 allows either ending, and the server must stop inflating at its limit anyway.
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[64 * 1024];
            for (var written = 0; written < OverLimitBytes; written += zeros.Length)
            {
                deflate.Write(zeros);
            }
        }

        return compressed.ToArray();
    });

    /// <summary>The close code the server must answer <paramref name="kind"/> with.</summary>
    /// <param name="kind">An abusive kind: oversized, malformed or compression bomb.</param>
    /// <returns>1009 or 1002.</returns>
    public static int ExpectedCloseCode(SoakClientKind kind) => kind switch
    {
        SoakClientKind.Oversized or SoakClientKind.CompressionBomb => 1009,
        SoakClientKind.Malformed => 1002,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a raw abusive kind"),
    };

    /// <summary>
    /// The bad frame (client-masked, as a client must, except where the fault is the missing mask) for one attempt.
    /// Malformed frames vary with <paramref name="random"/>: reserved bits, a reserved opcode, no mask, an oversized or
    /// fragmented control frame, a continuation with nothing to continue.
    /// </summary>
    /// <param name="kind">The abusive kind.</param>
    /// <param name="random">The client's random source.</param>
    /// <param name="description">What the frame is, for the report.</param>
    /// <returns>The bytes to write after the handshake.</returns>
    public static byte[] BadFrame(SoakClientKind kind, Random random, out string description)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (kind)
        {
            case SoakClientKind.Oversized:
                description = $"binary frame announcing {OverLimitBytes} bytes";
                return Frame(0x82, new byte[OversizedBytesWritten], random, announcedLength: OverLimitBytes);
            case SoakClientKind.CompressionBomb:
                description = $"compressed frame ({Bomb.Value.Length} bytes) inflating to {OverLimitBytes}";
                return Frame(0xC2, Bomb.Value, random);
            case SoakClientKind.Malformed:
                var small = "bad"u8.ToArray();
                switch (random.Next(6))
                {
                    case 0:
                        description = "RSV2 set without an extension";
                        return Frame(0xA2, small, random);
                    case 1:
                        description = "reserved opcode 0x3";
                        return Frame(0x83, small, random);
                    case 2:
                        description = "unmasked client frame";
                        return [0x82, (byte)small.Length, .. small];
                    case 3:
                        description = "ping with 126 bytes of payload";
                        return Frame(0x89, new byte[126], random);
                    case 4:
                        description = "fragmented ping";
                        return Frame(0x09, small, random);
                    default:
                        description = "continuation frame with no message to continue";
                        return Frame(0x80, small, random);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a raw abusive kind");
        }
    }

    /// <summary>A masked frame with the given first byte (FIN, RSV, opcode).</summary>
    /// <param name="first">The first byte.</param>
    /// <param name="payload">The payload written.</param>
    /// <param name="random">Source of the mask key.</param>
    /// <param name="announcedLength">The length put in the header when it is not the payload's (an oversized frame).</param>
    /// <returns>The frame's bytes.</returns>
    public static byte[] Frame(byte first, ReadOnlySpan<byte> payload, Random random, long? announcedLength = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        var length = announcedLength ?? payload.Length;
        var header = new List<byte> { first };
        if (length < 126)
        {
            header.Add((byte)(0x80 | length));
        }
        else if (length <= ushort.MaxValue)
        {
            header.Add(0x80 | 126);
            header.Add((byte)(length >> 8));
            header.Add((byte)length);
        }
        else
        {
            header.Add(0x80 | 127);
            Span<byte> eight = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(eight, length);
            header.AddRange(eight.ToArray());
        }

        var mask = new byte[4];
        random.NextBytes(mask);
        header.AddRange(mask);
        var frame = new byte[header.Count + payload.Length];
        header.CopyTo(frame);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header.Count + i] = (byte)(payload[i] ^ mask[i & 3]);
        }

        return frame;
    }

    /// <summary>
    /// Connects to <c>/echo</c>, does the handshake (offering permessage-deflate for a bomb), writes the bad frame and
    /// reads until the server's close frame.
    /// </summary>
    /// <param name="port">The server's port on 127.0.0.1.</param>
    /// <param name="kind">The abusive kind.</param>
    /// <param name="random">The client's random source.</param>
    /// <param name="cancellationToken">Stops the attempt.</param>
    /// <returns>The outcome.</returns>
    public static async Task<RawAbuseOutcome> RunOnceAsync(int port, SoakClientKind kind, Random random, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(random);
        var frame = BadFrame(kind, random, out var description);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CloseWait);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var step = "connect";
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                + (kind == SoakClientKind.CompressionBomb ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "")
                + "\r\n";
            step = "handshake";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token).ConfigureAwait(false);
            var reader = new FrameReader(stream);
            var head = await reader.ReadHeadAsync(timeout.Token).ConfigureAwait(false);
            if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                return new RawAbuseOutcome(null, description, $"handshake answered: {head.Split('\r')[0]}");
            }

            if (kind == SoakClientKind.CompressionBomb && !head.Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase))
            {
                return new RawAbuseOutcome(null, description, "the server did not agree to permessage-deflate");
            }

            step = "bad frame sent, reading";
            await stream.WriteAsync(frame, timeout.Token).ConfigureAwait(false);
            while (true)
            {
                var (opcode, payload) = await reader.ReadFrameAsync(timeout.Token).ConfigureAwait(false);
                if (opcode == 0x8)
                {
                    int? code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : null;
                    return new RawAbuseOutcome(code, description, code is null ? "close frame without a code" : null);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RawAbuseOutcome(null, description, $"no close frame within {CloseWait.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is SocketException or IOException or EndOfStreamException)
        {
            return new RawAbuseOutcome(null, description, string.Create(CultureInfo.InvariantCulture,
                $"connection ended without a close frame ({ex.GetType().Name}: {ex.Message}) at the {step} step, {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s after the connect began"));
        }
    }

    /// <summary>Reads the handshake answer and unmasked server frames from a stream.</summary>
    private sealed class FrameReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var text = Encoding.ASCII.GetString(_buffer, _start, _end - _start);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    _start += end + 4;
                    return text[..end];
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<(int Opcode, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
        {
            await EnsureAsync(2, cancellationToken).ConfigureAwait(false);
            var opcode = _buffer[_start] & 0x0F;
            long length = _buffer[_start + 1] & 0x7F;
            var headerLength = 2;
            if (length == 126)
            {
                await EnsureAsync(4, cancellationToken).ConfigureAwait(false);
                length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
                headerLength = 4;
            }
            else if (length == 127)
            {
                await EnsureAsync(10, cancellationToken).ConfigureAwait(false);
                length = BinaryPrimitives.ReadInt64BigEndian(_buffer.AsSpan(_start + 2));
                headerLength = 10;
            }

            _start += headerLength;
            var payload = new byte[length];
            var copied = 0;
            while (copied < length)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                }

                var n = (int)Math.Min(length - copied, _end - _start);
                _buffer.AsSpan(_start, n).CopyTo(payload.AsSpan(copied));
                _start += n;
                copied += n;
            }

            return (opcode, payload);
        }

        private async Task EnsureAsync(int count, CancellationToken cancellationToken)
        {
            while (_end - _start < count)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new IOException("the server's answer does not fit the reader's buffer");
            }

            var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException("the server closed the connection");
            }

            _end += n;
        }
    }
}

/// <summary>How one abusive attempt ended.</summary>
/// <param name="CloseCode">The code of the server's close frame; null when there was none.</param>
/// <param name="Frame">What the bad frame was.</param>
/// <param name="Failure">Why there was no usable close code; null when there was one.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record RawAbuseOutcome(int? CloseCode, string Frame, string? Failure);
