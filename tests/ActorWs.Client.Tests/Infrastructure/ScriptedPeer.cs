using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;

namespace ActorWs.Client.Tests.Infrastructure;

/// <summary>
/// A route on the real server whose side of the protocol the test writes: what it sends on open (a v2
/// <c>welcome</c>, or nothing), what it answers, and anything pushed at any time (numbered messages, binary,
/// junk, a close code). It stands in for protocol v2 features the server does not have yet (welcome, seq,
/// resume), and for server behaviour no well-behaved server shows.
/// </summary>
/// <remarks>
/// Thread-safe: tests talk to a connection through the actor its session runs in (the connection actor, for this
/// ordinary route), which hands what the test tells it to the handler's <c>OnActorMessage</c>.
/// </remarks>
internal sealed class ScriptedPeer
{
    private int _connections;

    /// <summary>Sent first on each connection; null sends nothing (a server without welcome).</summary>
    public Func<ScriptedConnection, string?>? Welcome { get; set; }

    /// <summary>Requests the test answers itself (return a JSON reply, or null to fall back to the defaults).</summary>
    public Func<ScriptedConnection, JsonElement, string?>? Respond { get; set; }

    /// <summary>Ops that get no answer at all (to make requests time out).</summary>
    public HashSet<string> Silent { get; } = [];

    /// <summary>Every connection, in the order they opened.</summary>
    public Channel<ScriptedConnection> Connections { get; } = Channel.CreateUnbounded<ScriptedConnection>();

    public WebSocketHandler CreateHandler() => new Handler(this);

    public async Task<ScriptedConnection> NextConnectionAsync() =>
        await Connections.Reader.ReadAsync().AsTask().WaitAsync(TestServer.Wait);

    public static string WelcomeJson(string session, string token, bool resumed, long? lastSeq = null, string? resumeError = null, bool cluster = false) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["op"] = "welcome",
            ["session"] = session,
            ["token"] = token,
            ["resumed"] = resumed,
            ["lastSeq"] = lastSeq,
            ["resumeError"] = resumeError,
            ["cluster"] = cluster ? true : null,
        }.Where(p => p.Value is not null).ToDictionary());

    /// <summary>The default answers: what a v2 server says to well-formed requests.</summary>
    private static string? DefaultReply(ScriptedConnection connection, JsonElement request, string op, string @ref)
    {
        string room = request.TryGetProperty("room", out var r) ? r.GetString() ?? "" : "";
        string type = request.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        return op switch
        {
            "ping" or "send" when @ref != "null" => $"{{\"op\":\"reply\",\"ref\":{@ref},\"status\":\"ok\"}}",
            "join" => $"{{\"op\":\"reply\",\"ref\":{@ref},\"status\":\"ok\",\"room\":{JsonSerializer.Serialize(room)},\"type\":\"chat\",\"members\":[\"{connection.Session}\"]}}",
            "leave" when @ref != "null" => $"{{\"op\":\"reply\",\"ref\":{@ref},\"status\":\"ok\",\"room\":{JsonSerializer.Serialize(room)}}}",
            "joinOrCreate" or "create" => $"{{\"op\":\"reply\",\"ref\":{@ref},\"status\":\"ok\",\"room\":\"{type}-1\",\"type\":\"{type}\",\"members\":[\"{connection.Session}\"]}}",
            "ack" or "send" or "ping" or "leave" => null,
            _ => $"{{\"op\":\"error\",\"ref\":{@ref},\"reason\":\"unknown op \\\"{op}\\\"\"}}",
        };
    }

    private sealed class Handler(ScriptedPeer peer) : WebSocketHandler
    {
        private ScriptedConnection? _connection;

        public override void OnOpen(IWebSocketSession session)
        {
            int number = Interlocked.Increment(ref peer._connections);
            _connection = new ScriptedConnection(number, session.Self, session.Query, $"s-{number:x}");
            if (peer.Welcome?.Invoke(_connection) is { } welcome) session.SendText(welcome);
            peer.Connections.Writer.TryWrite(_connection);
        }

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            var connection = _connection!;
            if (message.Type == WebSocketMessageType.Binary)
            {
                connection.BinaryReceived.Writer.TryWrite(message.ToArray());
                return;
            }
            string text = message.GetText();
            connection.Received.Writer.TryWrite(text);
            using var document = JsonDocument.Parse(text);
            var request = document.RootElement;
            string op = request.GetProperty("op").GetString()!;
            string @ref = request.TryGetProperty("ref", out var r) ? r.GetRawText() : "null";
            if (peer.Silent.Contains(op)) return;
            string? reply = peer.Respond?.Invoke(connection, request) ?? DefaultReply(connection, request, op, @ref);
            if (reply is not null) session.SendText(reply);
        }

        public override bool OnActorMessage(IWebSocketSession session, object message)
        {
            switch (message)
            {
                case ScriptedSend send:
                    session.Send(send.Payload, send.Type);
                    return true;
                case ScriptedClose close:
                    session.Close(close.Code, close.Reason);
                    return true;
                default:
                    return false;
            }
        }

        public override void OnClose(IWebSocketSession session, WebSocketClosed status) =>
            _connection?.Closed.TrySetResult(status);
    }
}

/// <summary>Tell a scripted session to send this to its client.</summary>
internal sealed record ScriptedSend(byte[] Payload, WebSocketMessageType Type);

/// <summary>Tell a scripted session to close its connection.</summary>
internal sealed record ScriptedClose(ushort Code, string Reason);

/// <summary>One connection to the scripted route, as the test sees it.</summary>
internal sealed class ScriptedConnection(int number, IActorRef session, string query, string sessionId)
{
    public int Number { get; } = number;
    public string Query { get; } = query;
    public string Session { get; } = sessionId;
    public Channel<string> Received { get; } = Channel.CreateUnbounded<string>();
    public Channel<byte[]> BinaryReceived { get; } = Channel.CreateUnbounded<byte[]>();
    public TaskCompletionSource<WebSocketClosed> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every value of the query parameter <paramref name="name"/>, decoded, in order (<c>pos</c> comes once per room).</summary>
    public IReadOnlyList<string> QueryAll(string name) => Query.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .Where(p => p[0] == name)
        .Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "")
        .ToArray();

    /// <summary>The query parameters (resume, lastSeq); for one that may come more than once, see <see cref="QueryAll"/>.</summary>
    public IReadOnlyDictionary<string, string> QueryValues => Query.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .DistinctBy(p => p[0])
        .ToDictionary(p => p[0], p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");

    public void Send(string text) => session.Tell(new ScriptedSend(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text), ActorRefs.NoSender);

    public void SendBytes(byte[] payload, WebSocketMessageType type) => session.Tell(new ScriptedSend(payload, type), ActorRefs.NoSender);

    public void Close(ushort code, string reason = "") => session.Tell(new ScriptedClose(code, reason), ActorRefs.NoSender);

    /// <summary>A numbered room message, as a v2 server sends it.</summary>
    public void SendMessage(string room, long seq, string dataJson, string from = "s-other") =>
        Send($"{{\"op\":\"message\",\"room\":\"{room}\",\"from\":\"{from}\",\"data\":{dataJson},\"seq\":{seq}}}");

    /// <summary>
    /// A numbered room message as a cluster node sends it: <paramref name="json"/> (an object) with <c>seq</c> and
    /// <c>pos</c> put first.
    /// </summary>
    public void SendNumbered(string json, long seq, string room, long rseq) =>
        Send($"{{\"seq\":{seq},\"pos\":{{\"room\":{JsonSerializer.Serialize(room)},\"rseq\":{rseq}}},{json.TrimStart()[1..]}");

    /// <summary>A binary room message in a cluster node's layout: seq, rseq (4 bytes each, big-endian, low 32 bits), the room name (1 byte of length, UTF-8), the payload.</summary>
    public void SendClusterBinary(long seq, long rseq, string room, params byte[] payload)
    {
        byte[] name = Encoding.UTF8.GetBytes(room);
        var bytes = new byte[9 + name.Length + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)seq);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)rseq);
        bytes[8] = (byte)name.Length;
        name.CopyTo(bytes, 9);
        payload.CopyTo(bytes, 9 + name.Length);
        SendBytes(bytes, WebSocketMessageType.Binary);
    }

    /// <summary>The next text message whose op is <paramref name="op"/> (others are skipped).</summary>
    public async Task<JsonElement> NextRequestAsync(string op)
    {
        while (true)
        {
            string text = await Received.Reader.ReadAsync().AsTask().WaitAsync(TestServer.Wait);
            var element = JsonDocument.Parse(text).RootElement;
            if (element.GetProperty("op").GetString() == op) return element;
        }
    }
}
