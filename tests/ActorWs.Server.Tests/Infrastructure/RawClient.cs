using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ActorWs.Protocol.Frames;

namespace ActorWs.Server.Tests.Infrastructure;

/// <summary>One frame as the raw client received it.</summary>
internal sealed record ReceivedFrame(WebSocketOpcode Opcode, byte[] Payload, ushort CloseCode = 0, string CloseReason = "")
{
    public string Text => Encoding.UTF8.GetString(Payload);
}

/// <summary>A parsed HTTP response.</summary>
internal sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A byte-level client for tests that must send what a well-behaved client never would (bad handshakes,
/// unmasked or broken frames, half requests) and see exactly what the server answers.
/// </summary>
internal sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly WebSocketFrameReader _reader = new(new WebSocketFrameReaderOptions { Role = WebSocketRole.Client, MaxMessageSize = 64 * 1024 * 1024 });
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawClient(Socket socket) => _socket = socket;

    /// <summary>Connects; a small <paramref name="receiveBufferSize"/> makes a slow reader (set before connecting, as TCP needs).</summary>
    public static RawClient Connect(IPEndPoint endPoint, int? receiveBufferSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is int size) socket.ReceiveBufferSize = size;
        socket.ReceiveTimeout = (int)TestServer.Wait.TotalMilliseconds;
        socket.SendTimeout = (int)TestServer.Wait.TotalMilliseconds;
        socket.Connect(endPoint);
        return new RawClient(socket);
    }

    public Socket Socket => _socket;

    public static string UpgradeRequest(string path, string? extraHeaders = null, string version = "13", string? key = null) =>
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {key ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}\r\nSec-WebSocket-Version: {version}\r\n" +
        (extraHeaders ?? "") + "\r\n";

    public void Send(string text) => Send(Encoding.ASCII.GetBytes(text));

    public void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int n = _socket.Send(bytes);
            bytes = bytes[n..];
        }
    }

    /// <summary>Opens a WebSocket (asserting the 101) and returns the response.</summary>
    public RawHttpResponse Upgrade(string path, string? extraHeaders = null)
    {
        Send(UpgradeRequest(path, extraHeaders));
        var response = ReadHttpResponse();
        if (response.Status != 101) throw new InvalidOperationException($"expected 101, got {response.Status}: {response.Body}");
        return response;
    }

    /// <summary>Sends a masked frame (as clients must), or an unmasked one to break the rules.</summary>
    public void SendFrame(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, bool fin = true, bool masked = true, bool rsv1 = false) =>
        Send(Frame(opcode, payload, fin, masked, rsv1));

    /// <summary>
    /// The bytes of one frame, to be sent later together with others (several frames in one TCP segment): masked as
    /// clients must, or unmasked to break the rules.
    /// </summary>
    public static byte[] Frame(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, bool fin = true, bool masked = true, bool rsv1 = false)
    {
        var frame = new byte[payload.Length + 14];
        int n = masked
            ? WebSocketFrameWriter.WriteMaskedFrame(frame, opcode, fin, payload, BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)), rsv1)
            : WebSocketFrameWriter.WriteFrame(frame, opcode, fin, payload, rsv1);
        return frame.AsSpan(0, n).ToArray();
    }

    /// <summary>
    /// A masked frame with an empty payload whose first byte (FIN, RSV1–3, opcode) is given as is: how tests write the
    /// reserved bits and opcodes that the frame writer refuses to produce.
    /// </summary>
    public static byte[] RawFrame(byte firstByte) => [firstByte, 0x80, 0x12, 0x34, 0x56, 0x78];

    /// <summary>A masked Close frame with <paramref name="code"/>, to be sent later together with other frames.</summary>
    public static byte[] CloseFrame(ushort code, string reason = "")
    {
        var frame = new byte[WebSocketFrameWriter.MaxCloseFrameLength + 4];
        int n = WebSocketFrameWriter.WriteMaskedCloseFrame(frame, code, reason, 0x12345678);
        return frame.AsSpan(0, n).ToArray();
    }

    public void SendText(string text, bool fin = true) => SendFrame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(text), fin);

    public void SendClose(ushort code, string reason = "") => Send(CloseFrame(code, reason));

    /// <summary>
    /// How long the client pauses after each read from its socket (zero: none): a reader a little slower than the
    /// server's writes, as a real client busy with what it reads would be.
    /// </summary>
    public TimeSpan ReadPause { get; set; }

    private bool Fill()
    {
        if (_start == _end) _start = _end = 0;
        if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        int n;
        try
        {
            n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return false;
        }
        _end += n;
        if (n > 0 && ReadPause > TimeSpan.Zero) Thread.Sleep(ReadPause); // the client's own work, not a wait for the server
        return n > 0;
    }

    /// <summary>Reads a response; a HEAD response has a Content-Length but no body (<paramref name="headOnly"/>).</summary>
    public RawHttpResponse ReadHttpResponse(bool headOnly = false)
    {
        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            if (!Fill()) throw new IOException("connection closed before a complete response head");
        string head = Encoding.ASCII.GetString(_buffer, _start, headEnd);
        _start += headEnd + 4;
        var lines = head.Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        int length = !headOnly && headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl) : 0;
        while (_end - _start < length)
            if (!Fill()) throw new IOException("connection closed in the middle of a response body");
        string body = Encoding.UTF8.GetString(_buffer, _start, length);
        _start += length;
        return new RawHttpResponse(status, headers, body);
    }

    /// <summary>Reads the next frame; null when the connection ends first.</summary>
    public ReceivedFrame? ReadFrame()
    {
        while (true)
        {
            if (_start < _end)
            {
                var e = _reader.Read(_buffer.AsSpan(_start, _end - _start), out int consumed);
                _start += consumed;
                switch (e.Kind)
                {
                    case WebSocketFrameEventKind.NeedMoreData:
                        break;
                    case WebSocketFrameEventKind.Close:
                        return new ReceivedFrame(WebSocketOpcode.Close, e.Payload.ToArray(), e.CloseCode, Encoding.UTF8.GetString(e.CloseReason));
                    case WebSocketFrameEventKind.ProtocolError:
                        throw new InvalidDataException($"server broke the protocol: {e.Violation}");
                    default:
                        return new ReceivedFrame(e.Opcode, e.Payload.ToArray());
                }
                continue;
            }
            if (!Fill()) return null;
        }
    }

    /// <summary>Reads frames until a Close frame (returned), skipping others; null if the connection ends first.</summary>
    public ReceivedFrame? ReadUntilClose()
    {
        while (true)
        {
            var frame = ReadFrame();
            if (frame is null || frame.Opcode == WebSocketOpcode.Close) return frame;
        }
    }

    /// <summary>Reads frames until a text frame reading <paramref name="expected"/>; throws if the connection ends first.</summary>
    public void ReadUntilText(string expected)
    {
        while (ReadFrame() is { } frame)
        {
            if (frame.Opcode == WebSocketOpcode.Text && frame.Text == expected) return;
        }
        throw new InvalidOperationException($"the connection ended before \"{expected}\" came");
    }

    /// <summary>True when the server has closed the TCP connection (FIN or reset), reading and discarding anything before.</summary>
    public bool WaitForEndOfStream()
    {
        var scratch = new byte[4096];
        try
        {
            while (_socket.Receive(scratch) > 0) { }
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _reader.Dispose();
    }
}
