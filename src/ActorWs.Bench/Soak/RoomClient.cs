using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ActorWs.Bench.Soak;

/// <summary>A server-side fault the injector asks a room client to cause.</summary>
public enum SoakFault
{
    /// <summary>Nothing asked.</summary>
    None,

    /// <summary>Make the session's handler throw (<c>{"op":"soak-crash"}</c> on the chaos route): the server stops the session.</summary>
    KillSession,

    /// <summary>Send <c>"boom"</c> to the client's chaos room: its logic throws and the server restarts it.</summary>
    FailRoom,
}

/// <summary>
/// A well-behaved client of the JSON room protocol. It joins a chat room (and, with the chaos hooks, a <c>chaos</c> game room),
/// sends numbered messages (<c>{"c":slot,"g":session generation,"n":counter}</c>) one at a time, each with a <c>ref</c>, and
/// checks:
/// <list type="bullet">
/// <item>every message the server numbers for its session arrives exactly once and in order: <c>seq</c> is always the
/// previous one plus one, across resumes too (after a resumed welcome with <c>lastSeq</c> L, the next is L+1);</item>
/// <item>in every room, the messages of every sender (by <c>c</c> and <c>g</c>) arrive with consecutive counters from the
/// first one seen in this membership;</item>
/// <item>its own message is delivered to itself before the server's <c>ok</c> for it (an accepted message is never lost).</item>
/// </list>
/// At random (5 % of its turns) it drops its socket without a close and resumes with its token and lastSeq; on the
/// injector's request it kills its session or fails its chaos room, and carries on without loss.
/// </summary>
/// <remarks>Its state is shared by its sending task and its reading task, under its lock.</remarks>
public sealed class RoomClient
{
    /// <summary>Share of turns on which the client drops its connection and resumes.</summary>
    public const double DropProbability = 0.05;

    private readonly SoakContext _context;
    private readonly SoakCounters _counters;
    private readonly int _slot;
    private readonly Random _random;
    private readonly bool _chaos;
    private readonly string _path;
    private readonly string _chatRoom;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Room, long Sender, long Generation), long> _lastFromSender = new();
    private readonly Dictionary<string, long> _ownDelivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _nextCounter = new(StringComparer.Ordinal);
    private readonly Dictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private TaskCompletionSource<JsonElement> _welcome = NewCompletion();
    private long _lastSeq;
    private long _ackedSeq;
    private string? _token;
    private long _generation;
    private long _nextRef;
    private string? _chaosRoom;
    private bool _chaosRoomClosed;

    /// <summary>The last resume's connection ended before its welcome: the server may have spent the token on it.</summary>
    private bool _resumeWelcomeLost;
    private int _fault;

    /// <summary>Creates the client of one slot.</summary>
    /// <param name="context">The shared state.</param>
    /// <param name="slot">Its slot.</param>
    /// <param name="chaos">Whether the server has the chaos hooks: the client then uses their route and joins a chaos room too.</param>
    public RoomClient(SoakContext context, int slot, bool chaos)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _counters = context.Counters;
        _slot = slot;
        _random = context.RandomFor(slot);
        _chaos = chaos;
        // The chaos route is /ws's handler plus the crash op, so only some clients need it: the others exercise /ws itself.
        _path = chaos && slot % 2 == 0 ? "/soak/ws" : "/ws";
        _chatRoom = $"soak-{_random.Next(context.ChatRooms)}";
    }

    /// <summary>Whether a session-killing fault can be asked of this client (it is on the chaos route).</summary>
    public bool CanKillSession => _path == "/soak/ws";

    /// <summary>Whether a room fault can be asked of this client (it is in a chaos room).</summary>
    public bool CanFailRoom
    {
        get
        {
            lock (_lock)
            {
                return _chaosRoom is not null && !_chaosRoomClosed;
            }
        }
    }

    /// <summary>Asks the client to cause a fault on its next turn; false when one is already waiting.</summary>
    /// <param name="fault">The fault.</param>
    /// <returns>Whether it was taken.</returns>
    public bool Request(SoakFault fault) => Interlocked.CompareExchange(ref _fault, (int)fault, (int)SoakFault.None) == (int)SoakFault.None;

    /// <summary>The client's whole life: connect, join, send and check, drop and resume, until the load stops.</summary>
    /// <returns>Completes when the load stops and the client has closed.</returns>
    public async Task RunAsync()
    {
        var expectRefusal = false;
        long disconnectedAt = 0;
        while (!_context.Stop.IsCancellationRequested)
        {
            string? token;
            long lastSeq;
            lock (_lock)
            {
                token = _token;
                lastSeq = _lastSeq;
                _welcome = NewCompletion();
            }

            var path = token is null ? _path : $"{_path}?resume={Uri.EscapeDataString(token)}&lastSeq={lastSeq.ToString(CultureInfo.InvariantCulture)}";
            using var socket = await _context.ConnectAsync(path, SoakClientKind.Room, _slot).ConfigureAwait(false);
            if (socket is null)
            {
                await _context.DelayAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                continue;
            }

            var reading = Task.Run(() => ReadAsync(socket));
            var outcome = await SessionAsync(socket, reading, token is not null, expectRefusal, disconnectedAt).ConfigureAwait(false);
            expectRefusal = outcome == TurnOutcome.SessionKilled;
            if (outcome == TurnOutcome.Stopped)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "soak over", CancellationToken.None)
                    .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                var code = await reading.WaitAsync(SoakContext.AnswerTimeout, CancellationToken.None)
                    .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).ConfigureAwait(false);
                if (code != 1000)
                {
                    _counters.Problem("unexpected_close", $"room slot {_slot}: our close 1000 was answered with {code?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
                }

                return;
            }

            disconnectedAt = Stopwatch.GetTimestamp();
            socket.Abort();
            await reading.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            FailPending();
            if (outcome == TurnOutcome.Dropped)
            {
                // A real client's reconnect comes after a moment, not in the same instant.
                await _context.DelayAsync(TimeSpan.FromMilliseconds(_random.Next(0, 1000))).ConfigureAwait(false);
            }
        }
    }

    private enum TurnOutcome
    {
        Stopped,
        Dropped,
        SessionKilled,
        Broken,
    }

    private async Task<TurnOutcome> SessionAsync(ClientWebSocket socket, Task<int?> reading, bool resuming, bool expectRefusal, long disconnectedAt)
    {
        Task<JsonElement> welcomeTask;
        lock (_lock)
        {
            welcomeTask = _welcome.Task;
        }

        JsonElement welcome;
        try
        {
            welcome = await welcomeTask.WaitAsync(SoakContext.AnswerTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            _counters.Problem("no_welcome", $"room slot {_slot}: {ex.Message}{(resuming ? " (a resume)" : "")}");
            _resumeWelcomeLost = resuming;
            return TurnOutcome.Broken;
        }

        var resumed = welcome.TryGetProperty("resumed", out var r) && r.ValueKind == JsonValueKind.True;
        var welcomeLostBefore = _resumeWelcomeLost;
        _resumeWelcomeLost = false;
        if (resuming)
        {
            // From our end of the old connection to the welcome on the new one: the server's window began later (when it
            // saw the drop) and its answer left earlier, so under the window this long is surely within it.
            var sinceDrop = Stopwatch.GetElapsedTime(disconnectedAt);
            if (resumed)
            {
                _counters.Add(expectRefusal ? "room.resumed_after_kill" : "room.resumes");
                _counters.Add("room.resume_ms_total", (long)sinceDrop.TotalMilliseconds);
                _counters.Max("room.resume_ms_max", (long)sinceDrop.TotalMilliseconds);
            }
            else if (expectRefusal)
            {
                _counters.Add("room.resume_refused_after_kill");
            }
            else if (sinceDrop >= _context.ReconnectionWindow)
            {
                // Back after the window: the server rightly forgot the session (the machine was too busy for the client to
                // return in time). Counted, not a problem; a run in which no resume came back in time fails on that.
                _counters.Add("room.resumes_refused_late");
                _counters.Max("room.resume_late_ms_max", (long)sinceDrop.TotalMilliseconds);
            }
            else if (welcomeLostBefore)
            {
                // The resume before this one reached the server, which spent the token on it (a token works once) and sent
                // its successor in a welcome that never arrived: the client holds only a spent token. Kept apart from a plain
                // refusal because it is the protocol's rule, not a session lost, though it does cost the client its session.
                _counters.Problem("resume_refused_after_lost_welcome", string.Create(CultureInfo.InvariantCulture,
                    $"room slot {_slot}: {(welcome.TryGetProperty("resumeError", out var e) ? e.GetString() : "no reason")}, {sinceDrop.TotalSeconds:0.0} s after the drop; the previous resume's connection ended before its welcome"));
            }
            else
            {
                _counters.Problem("resume_refused", string.Create(CultureInfo.InvariantCulture,
                    $"room slot {_slot}: {(welcome.TryGetProperty("resumeError", out var e) ? e.GetString() : "no reason")}, {sinceDrop.TotalSeconds:0.0} s after the drop (window {_context.ReconnectionWindow.TotalSeconds:0} s)"));
            }
        }

        try
        {
            if (!resumed)
            {
                if (!await JoinAsync(socket, $$"""{"op":"join","room":"{{_chatRoom}}","ref":%REF%}""").ConfigureAwait(false))
                {
                    return TurnOutcome.Broken;
                }

                lock (_lock)
                {
                    _chaosRoom = null;
                }
            }

            while (true)
            {
                if (_chaos && NeedsChaosRoom() && !await JoinChaosAsync(socket).ConfigureAwait(false))
                {
                    return TurnOutcome.Broken;
                }

                if (!await _context.DelayAsync(TimeSpan.FromMilliseconds(_random.Next(2000, 10000))).ConfigureAwait(false))
                {
                    return TurnOutcome.Stopped;
                }

                if (reading.IsCompleted)
                {
                    _counters.Problem("unexpected_close", $"room slot {_slot}: the server closed the connection ({reading.Result?.ToString(CultureInfo.InvariantCulture) ?? "no close frame"})");
                    return TurnOutcome.Broken;
                }

                switch ((SoakFault)Interlocked.Exchange(ref _fault, (int)SoakFault.None))
                {
                    case SoakFault.KillSession when CanKillSession:
                        return await KillSessionAsync(socket, reading).ConfigureAwait(false);
                    case SoakFault.FailRoom when CanFailRoom:
                        if (!await FailRoomAsync(socket).ConfigureAwait(false))
                        {
                            return TurnOutcome.Broken;
                        }

                        break;
                    default:
                        if (!await SendNumberedAsync(socket).ConfigureAwait(false))
                        {
                            return TurnOutcome.Broken;
                        }

                        break;
                }

                await AcknowledgeAsync(socket).ConfigureAwait(false);
                if (_random.NextDouble() < DropProbability)
                {
                    _counters.Add("room.forced_drops");
                    return TurnOutcome.Dropped;
                }
            }
        }
        catch (WebSocketException ex)
        {
            _counters.Problem("unexpected_drop", $"room slot {_slot}: {ex.Message}");
            return TurnOutcome.Broken;
        }
    }

    private bool NeedsChaosRoom()
    {
        lock (_lock)
        {
            return _chaosRoom is null || _chaosRoomClosed;
        }
    }

    private async Task<bool> JoinChaosAsync(ClientWebSocket socket)
    {
        var reply = await RequestAsync(socket, """{"op":"joinOrCreate","type":"chaos","ref":%REF%}""").ConfigureAwait(false);
        if (reply is not { } json || !IsOk(json) || !json.TryGetProperty("room", out var room))
        {
            _counters.Problem("join_failed", $"room slot {_slot}: joinOrCreate chaos: {Describe(reply)}");
            return false;
        }

        lock (_lock)
        {
            _chaosRoom = room.GetString();
            _chaosRoomClosed = false;
        }

        _counters.Add("room.joins");
        return true;
    }

    private async Task<bool> JoinAsync(ClientWebSocket socket, string request)
    {
        var reply = await RequestAsync(socket, request).ConfigureAwait(false);
        if (reply is not { } json || !IsOk(json))
        {
            _counters.Problem("join_failed", $"room slot {_slot}: {Describe(reply)}");
            return false;
        }

        _counters.Add("room.joins");
        return true;
    }

    private async Task<bool> SendNumberedAsync(ClientWebSocket socket)
    {
        string room;
        long generation, n;
        lock (_lock)
        {
            room = _chaos && _chaosRoom is { } chaosRoom && !_chaosRoomClosed && _random.Next(2) == 0 ? chaosRoom : _chatRoom;
            generation = _generation;
            n = _nextCounter.GetValueOrDefault(room) + 1;
            _nextCounter[room] = n;
        }

        var reply = await RequestAsync(
            socket, $$"""{"op":"send","room":"{{room}}","data":{"c":{{_slot}},"g":{{generation}},"n":{{n}}},"ref":%REF%}""").ConfigureAwait(false);
        if (reply is not { } json)
        {
            return false;
        }

        if (!IsOk(json))
        {
            // A chaos room closed (too many failures) between our check and the send: that refusal is the protocol's answer.
            lock (_lock)
            {
                if (room == _chaosRoom && _chaosRoomClosed)
                {
                    _counters.Add("room.sends_refused_closed_room");
                    return true;
                }
            }

            _counters.Problem("send_refused", $"room slot {_slot}: send to {room}: {Describe(reply)}");
            return true;
        }

        _counters.Add("room.sends_accepted");
        lock (_lock)
        {
            if (_ownDelivered.GetValueOrDefault(room) != n)
            {
                _counters.Problem("loss", $"room slot {_slot}: the ok for its message {n} to {room} came, the message itself did not (last own delivered: {_ownDelivered.GetValueOrDefault(room)})");
            }
        }

        return true;
    }

    private async Task<TurnOutcome> KillSessionAsync(ClientWebSocket socket, Task<int?> reading)
    {
        await socket.SendAsync("""{"op":"soak-crash"}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        var code = await reading.WaitAsync(SoakContext.AnswerTimeout, CancellationToken.None)
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).ConfigureAwait(false);
        if (code == 1011)
        {
            _counters.Add("faults.sessions_killed");
        }
        else
        {
            _counters.Problem("unexpected_close", $"room slot {_slot}: a killed session's connection closed with {code?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}, expected 1011");
        }

        return TurnOutcome.SessionKilled;
    }

    private async Task<bool> FailRoomAsync(ClientWebSocket socket)
    {
        string room;
        lock (_lock)
        {
            room = _chaosRoom!;
        }

        var reply = await RequestAsync(socket, $$"""{"op":"send","room":"{{room}}","data":"boom","ref":%REF%}""").ConfigureAwait(false);
        if (reply is not { } json)
        {
            return false;
        }

        if (json.GetProperty("op").GetString() == "error" && json.TryGetProperty("reason", out var reason)
            && reason.GetString()!.Contains("failed", StringComparison.Ordinal))
        {
            _counters.Add("faults.rooms_failed");
        }
        else
        {
            _counters.Problem("fault_not_reported", $"room slot {_slot}: \"boom\" to {room} was answered {Describe(reply)}");
        }

        return true;
    }

    private async Task AcknowledgeAsync(ClientWebSocket socket)
    {
        long seq;
        lock (_lock)
        {
            seq = _lastSeq;
            if (seq <= _ackedSeq)
            {
                return;
            }

            _ackedSeq = seq;
        }

        await socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"op":"ack","seq":{{seq}}}"""), WebSocketMessageType.Text, true, CancellationToken.None)
            .ConfigureAwait(false);
    }

    /// <summary>Sends a request with a fresh ref (written where the text says <c>%REF%</c>) and waits for its reply or error.</summary>
    private async Task<JsonElement?> RequestAsync(ClientWebSocket socket, string template)
    {
        var completion = NewCompletion();
        long reference;
        lock (_lock)
        {
            reference = ++_nextRef;
            _pending[reference] = completion;
        }

        await socket.SendAsync(
            Encoding.UTF8.GetBytes(template.Replace("%REF%", reference.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)),
            WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        try
        {
            return await completion.Task.WaitAsync(SoakContext.AnswerTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _counters.Problem("no_reply", $"room slot {_slot}: no answer to ref {reference} within {SoakContext.AnswerTimeout.TotalSeconds:0} s: {template}");
            return null;
        }
        catch (IOException)
        {
            _counters.Problem("unexpected_drop", $"room slot {_slot}: the connection ended while ref {reference} waited for its answer");
            return null;
        }
        finally
        {
            lock (_lock)
            {
                _pending.Remove(reference);
            }
        }
    }

    /// <summary>Reads until the close (returning its code) or a failure (returning null).</summary>
    private async Task<int?> ReadAsync(ClientWebSocket socket)
    {
        var reader = new WsMessages(socket);
        try
        {
            while (true)
            {
                var (type, bytes) = await reader.ReceiveAsync().ConfigureAwait(false);
                if (type == WebSocketMessageType.Close)
                {
                    return (int?)socket.CloseStatus;
                }

                if (type != WebSocketMessageType.Text)
                {
                    _counters.Problem("corrupt", $"room slot {_slot}: a binary message on the JSON protocol");
                    continue;
                }

                using var document = JsonDocument.Parse(bytes);
                Handle(document.RootElement);
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            // The client gave the connection up (its close was not answered in time) and disposed it under this read.
            return null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Not JSON, or JSON without the fields the protocol promises.
            _counters.Problem("corrupt", $"room slot {_slot}: {ex.GetType().Name}: {ex.Message}");
            return null;
        }
        finally
        {
            FailPending();
        }
    }

    private void Handle(JsonElement message)
    {
        var op = message.GetProperty("op").GetString();
        lock (_lock)
        {
            if (op == "welcome")
            {
                _token = message.GetProperty("token").GetString();
                var resumed = message.GetProperty("resumed").GetBoolean();
                if (resumed)
                {
                    var lastSeq = message.GetProperty("lastSeq").GetInt64();
                    if (lastSeq != _lastSeq)
                    {
                        _counters.Problem("resume_mismatch", $"room slot {_slot}: resumed at lastSeq {lastSeq}, asked for {_lastSeq}");
                        _lastSeq = lastSeq;
                    }
                }
                else
                {
                    // A fresh session: its numbering starts again and it is in no room; the senders it hears from start anew
                    // for it, and its own messages get a new generation so that no one confuses them with the old session's.
                    _lastSeq = 0;
                    _ackedSeq = 0;
                    _generation++;
                    _lastFromSender.Clear();
                    _ownDelivered.Clear();
                    _nextCounter.Clear();
                }

                _welcome.TrySetResult(message.Clone());
                return;
            }

            if (message.TryGetProperty("seq", out var seqElement))
            {
                CheckSeq(seqElement.GetInt64());
            }

            switch (op)
            {
                case "message":
                    CheckRoomMessage(message.GetProperty("room").GetString()!, message.GetProperty("data"));
                    break;
                case "notice":
                    var room = message.GetProperty("room").GetString()!;
                    var notice = message.GetProperty("event").GetString();
                    _counters.Add($"room.notices_{notice}");
                    if (notice == "closed")
                    {
                        // The room is gone with its membership; a later joinOrCreate makes a new one.
                        if (room == _chaosRoom)
                        {
                            _chaosRoomClosed = true;
                        }

                        foreach (var key in _lastFromSender.Keys.Where(k => k.Room == room).ToList())
                        {
                            _lastFromSender.Remove(key);
                        }
                    }

                    break;
                case "reply" or "error":
                    if (message.TryGetProperty("ref", out var reference) && reference.ValueKind == JsonValueKind.Number
                        && _pending.Remove(reference.GetInt64(), out var pending))
                    {
                        pending.TrySetResult(message.Clone());
                    }
                    else
                    {
                        _counters.Problem("stray_reply", $"room slot {_slot}: {message.GetRawText()}");
                    }

                    break;
            }
        }
    }

    private void CheckSeq(long seq)
    {
        var expected = _lastSeq + 1;
        if (seq == expected)
        {
            _counters.Add("room.seq_checked");
        }
        else if (seq < expected)
        {
            _counters.Problem("duplicate_or_reorder", $"room slot {_slot}: seq {seq} after {_lastSeq}");
            return;
        }
        else
        {
            _counters.Problem("loss", $"room slot {_slot}: seq {seq} after {_lastSeq}", seq - expected);
        }

        _lastSeq = seq;
    }

    private void CheckRoomMessage(string room, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("c", out var c) || !data.TryGetProperty("g", out var g)
            || !data.TryGetProperty("n", out var n))
        {
            _counters.Problem("corrupt", $"room slot {_slot}: unexpected data in {room}: {data.GetRawText()}");
            return;
        }

        var sender = c.GetInt64();
        var generation = g.GetInt64();
        var counter = n.GetInt64();
        var key = (room, sender, generation);
        if (_lastFromSender.TryGetValue(key, out var previous))
        {
            if (counter == previous + 1)
            {
                _counters.Add("room.deliveries_checked");
            }
            else if (counter <= previous)
            {
                _counters.Problem("duplicate_or_reorder", $"room slot {_slot}: in {room}, sender {sender}/{generation} sent {counter} after {previous}");
                return;
            }
            else
            {
                _counters.Problem("loss", $"room slot {_slot}: in {room}, sender {sender}/{generation} sent {counter} after {previous}", counter - previous - 1);
            }
        }
        else
        {
            _counters.Add("room.deliveries_checked");
        }

        _lastFromSender[key] = counter;
        if (sender == _slot && generation == _generation)
        {
            _ownDelivered[room] = counter;
        }
    }

    private void FailPending()
    {
        lock (_lock)
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new IOException("the connection ended"));
            }

            _pending.Clear();
            _welcome.TrySetException(new IOException("the connection ended before the welcome"));
        }
    }

    private static bool IsOk(JsonElement reply) =>
        reply.GetProperty("op").GetString() == "reply" && reply.TryGetProperty("status", out var s) && s.GetString() == "ok";

    private static string Describe(JsonElement? reply) => reply is { } json ? json.GetRawText() : "no answer";

    private static TaskCompletionSource<JsonElement> NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
