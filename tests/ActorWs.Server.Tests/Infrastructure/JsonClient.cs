using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace ActorWs.Server.Tests.Infrastructure;

/// <summary>
/// One thing the server sent: a JSON object, or a binary message (its sequence number split off). From a cluster node, a
/// room message's position in its room (<c>pos</c>, or the binary prefix's), else null.
/// </summary>
internal sealed record Received(JsonElement? Json, long BinarySeq, byte[] Binary, RoomPosition? Position = null)
{
    public string Op => Json?.GetProperty("op").GetString() ?? "(binary)";

    /// <summary>The session's number of this room message (0 when it has none).</summary>
    public long Seq => Json is { } json ? (json.TryGetProperty("seq", out var seq) ? seq.GetInt64() : 0) : BinarySeq;
}

/// <summary>A room and the room's position of one of its deliveries (what a client hands back to resume on another node).</summary>
internal sealed record RoomPosition(string Room, long Rseq);

/// <summary>A test client for the JSON room protocol: a receive loop into a queue, requests matched by ref.</summary>
internal sealed class JsonClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private readonly List<Received> _skipped = new();
    private readonly Task _loop;
    private int _nextRef;

    private JsonClient(ClientWebSocket socket)
    {
        _socket = socket;
        _loop = Task.Run(ReceiveLoop);
    }

    public ClientWebSocket Socket => _socket;

    /// <summary>The welcome (or null when the server sent none first).</summary>
    public JsonElement Welcome { get; private set; }

    public string SessionId => Welcome.GetProperty("session").GetString()!;
    public string Token => Welcome.GetProperty("token").GetString()!;

    /// <summary>The highest seq seen so far.</summary>
    public long LastSeq { get; private set; }

    /// <summary>Whether the last welcome said the server is a cluster node (room messages then carry their room's position).</summary>
    public bool IsClusterNode { get; private set; }

    public static async Task<JsonClient> ConnectAsync(TestServer server, string pathAndQuery = "/ws", Action<ClientWebSocketOptions>? options = null)
    {
        var socket = await server.ConnectAsync(pathAndQuery, options);
        var client = new JsonClient(socket);
        client.Welcome = (await client.NextAsync(r => r.Op == "welcome")).Json!.Value;
        return client;
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                int count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                Received item;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    long seq = BinaryPrimitives.ReadUInt32BigEndian(buffer);
                    if (IsClusterNode)
                    {
                        // seq, the room's position (4 bytes), the room's name (a length byte, UTF-8), then the payload.
                        long rseq = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4));
                        int nameLength = buffer[8];
                        string room = Encoding.UTF8.GetString(buffer, 9, nameLength);
                        item = new Received(null, seq, buffer.AsSpan(9 + nameLength, count - 9 - nameLength).ToArray(), new RoomPosition(room, rseq));
                    }
                    else
                    {
                        item = new Received(null, seq, buffer.AsSpan(4, count - 4).ToArray());
                    }
                    LastSeq = Math.Max(LastSeq, seq);
                }
                else
                {
                    var json = JsonDocument.Parse(buffer.AsMemory(0, count)).RootElement.Clone();
                    if (json.TryGetProperty("seq", out var seq)) LastSeq = Math.Max(LastSeq, seq.GetInt64());
                    if (json.TryGetProperty("op", out var op) && op.GetString() == "welcome")
                        IsClusterNode = json.TryGetProperty("cluster", out var cluster) && cluster.GetBoolean();
                    RoomPosition? position = json.TryGetProperty("pos", out var pos)
                        ? new RoomPosition(pos.GetProperty("room").GetString()!, pos.GetProperty("rseq").GetInt64())
                        : null;
                    item = new Received(json, 0, [], position);
                }
                await _received.Writer.WriteAsync(item);
            }
        }
        catch (WebSocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (OperationCanceledException)
        {
            // Aborted by DisposeAsync.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    /// <summary>The next message matching <paramref name="match"/> (others are kept for later calls).</summary>
    public Task<Received> NextAsync(Func<Received, bool> match) => NextAsync(match, TestServer.Wait);

    /// <summary>The next message matching <paramref name="match"/> within <paramref name="within"/> (OperationCanceledException after).</summary>
    public async Task<Received> NextAsync(Func<Received, bool> match, TimeSpan within)
    {
        for (int i = 0; i < _skipped.Count; i++)
        {
            if (!match(_skipped[i])) continue;
            var found = _skipped[i];
            _skipped.RemoveAt(i);
            return found;
        }
        using var cts = new CancellationTokenSource(within);
        while (true)
        {
            var item = await _received.Reader.ReadAsync(cts.Token);
            if (match(item)) return item;
            _skipped.Add(item);
        }
    }

    /// <summary>Everything received so far that no call took, and whatever arrives within <paramref name="quiet"/>.</summary>
    public async Task<List<Received>> DrainAsync(TimeSpan quiet)
    {
        var all = new List<Received>(_skipped);
        _skipped.Clear();
        while (true)
        {
            using var cts = new CancellationTokenSource(quiet);
            try
            {
                all.Add(await _received.Reader.ReadAsync(cts.Token));
            }
            catch (OperationCanceledException)
            {
                return all;
            }
            catch (ChannelClosedException)
            {
                return all;
            }
        }
    }

    public Task SendAsync(string json) => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, new CancellationTokenSource(TestServer.Wait).Token);

    public Task SendBinaryAsync(byte[] bytes) => _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, new CancellationTokenSource(TestServer.Wait).Token);

    /// <summary>Sends <paramref name="fields"/> (JSON members without braces) with a fresh ref; returns the reply or error for it.</summary>
    public Task<JsonElement> RequestAsync(string op, string fields = "") => RequestAsync(op, fields, TestServer.Wait);

    /// <summary>As <see cref="RequestAsync(string, string)"/>, waiting at most <paramref name="within"/> for the reply (OperationCanceledException after).</summary>
    public async Task<JsonElement> RequestAsync(string op, string fields, TimeSpan within)
    {
        int @ref = Interlocked.Increment(ref _nextRef);
        await SendAsync($"{{\"op\":\"{op}\",\"ref\":{@ref}{(fields.Length > 0 ? "," + fields : "")}}}");
        var reply = await NextAsync(r => r.Json is { } j && j.TryGetProperty("ref", out var x) && x.ValueKind == JsonValueKind.Number && x.GetInt32() == @ref, within);
        return reply.Json!.Value;
    }

    /// <summary>Like <see cref="RequestAsync"/>, asserting an ok reply.</summary>
    public async Task<JsonElement> OkAsync(string op, string fields = "")
    {
        var reply = await RequestAsync(op, fields);
        if (reply.GetProperty("op").GetString() != "reply") throw new InvalidOperationException($"{op} failed: {reply}");
        return reply;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await _loop.WaitAsync(TestServer.Wait);
    }
}
