using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace ActorWs.Bench.Soak;

/// <summary>The soak's clients other than the room client: echo, slow reader, flood, vanisher and the raw abusive ones.</summary>
/// <remarks>Each method is one client slot's whole life; they run concurrently and share only the context.</remarks>
public static class SimpleClients
{
    /// <summary>
    /// A well-behaved echo client: every 1–5 s it sends one to three text messages <c>e&lt;slot&gt;:&lt;n&gt;</c> (n counting
    /// up from 1 over the slot's whole life) and checks that each comes back once, in order, before sending more.
    /// </summary>
    /// <param name="context">The shared state.</param>
    /// <param name="slot">The client's slot.</param>
    /// <returns>Completes when the load stops.</returns>
    public static async Task EchoAsync(SoakContext context, int slot)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.RandomFor(slot);
        var counters = context.Counters;
        long next = 1;
        while (!context.Stop.IsCancellationRequested)
        {
            using var socket = await context.ConnectAsync("/echo", SoakClientKind.Echo, slot).ConfigureAwait(false);
            if (socket is null)
            {
                await context.DelayAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                continue;
            }

            var reader = new WsMessages(socket);
            try
            {
                while (await context.DelayAsync(TimeSpan.FromMilliseconds(random.Next(1000, 5000))).ConfigureAwait(false))
                {
                    var burst = random.Next(1, 4);
                    for (var i = 0; i < burst; i++)
                    {
                        await socket.SendAsync(Encoding.ASCII.GetBytes($"e{slot}:{next + i}"), WebSocketMessageType.Text, true, CancellationToken.None)
                            .ConfigureAwait(false);
                    }

                    using var answer = new CancellationTokenSource(SoakContext.AnswerTimeout);
                    for (var i = 0; i < burst; i++)
                    {
                        var (type, bytes) = await reader.ReceiveAsync(answer.Token).ConfigureAwait(false);
                        if (type == WebSocketMessageType.Close)
                        {
                            counters.Problem("unexpected_close", $"echo slot {slot}: server closed with {(int?)socket.CloseStatus} {socket.CloseStatusDescription}");
                            break;
                        }

                        CheckEcho(counters, slot, Encoding.ASCII.GetString(bytes.Span), next);
                        next++;
                    }

                    if (socket.State != WebSocketState.Open)
                    {
                        break;
                    }
                }

                if (socket.State == WebSocketState.Open)
                {
                    var code = await WsMessages.CloseAsync(socket, SoakContext.AnswerTimeout).ConfigureAwait(false);
                    if (code != 1000)
                    {
                        counters.Problem("unexpected_close", $"echo slot {slot}: our close 1000 was answered with {code?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Waited out, not seen lost: the tool gives the connection up, so what was on its way is never checked.
                counters.Problem("no_reply", $"echo slot {slot}: no echo within {SoakContext.AnswerTimeout.TotalSeconds:0} s");
            }
            catch (WebSocketException ex)
            {
                counters.Problem("unexpected_drop", $"echo slot {slot}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Checks one echo against the number expected next; counts it, or counts a loss, a duplicate or a corruption.</summary>
    /// <param name="counters">Where to count.</param>
    /// <param name="slot">The client's slot.</param>
    /// <param name="text">The echo received.</param>
    /// <param name="expected">The number it should carry.</param>
    public static void CheckEcho(SoakCounters counters, int slot, string text, long expected)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(text);
        var prefix = $"e{slot}:";
        if (!text.StartsWith(prefix, StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var got))
        {
            counters.Problem("corrupt", $"echo slot {slot}: expected {prefix}{expected}, got '{(text.Length > 64 ? text[..64] : text)}'");
            return;
        }

        if (got == expected)
        {
            counters.Add("echo.messages_checked");
        }
        else if (got < expected)
        {
            counters.Problem("duplicate_or_reorder", $"echo slot {slot}: got {got} when {expected} was due");
        }
        else
        {
            counters.Problem("loss", $"echo slot {slot}: got {got} when {expected} was due", got - expected);
        }
    }

    /// <summary>
    /// A flood: bursts of 500 one-byte binary frames to <c>/echo</c>, sent back to back while a second task reads the
    /// echoes; every echo must come back (unless the server closes the flooder with 1008). Lives 10–60 s, then closes.
    /// </summary>
    /// <param name="context">The shared state.</param>
    /// <param name="slot">The client's slot.</param>
    /// <returns>Completes when the load stops.</returns>
    public static async Task FloodAsync(SoakContext context, int slot)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.RandomFor(slot);
        var counters = context.Counters;
        const int Burst = 500;
        while (!context.Stop.IsCancellationRequested)
        {
            using var socket = await context.ConnectAsync("/echo", SoakClientKind.Flood, slot).ConfigureAwait(false);
            if (socket is null)
            {
                await context.DelayAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                continue;
            }

            long received = 0;
            var reader = new WsMessages(socket);
            var reading = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var (type, _) = await reader.ReceiveAsync().ConfigureAwait(false);
                        if (type == WebSocketMessageType.Close)
                        {
                            return (int?)socket.CloseStatus;
                        }

                        Interlocked.Increment(ref received);
                    }
                }
                catch (WebSocketException)
                {
                    return null;
                }
            });

            var until = DateTime.UtcNow.AddSeconds(random.Next(10, 60));
            long sent = 0;
            var frame = new byte[1];
            try
            {
                while (DateTime.UtcNow < until && !context.Stop.IsCancellationRequested && !reading.IsCompleted)
                {
                    for (var i = 0; i < Burst; i++)
                    {
                        frame[0] = (byte)i;
                        await socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None).ConfigureAwait(false);
                    }

                    sent += Burst;
                    counters.Add("flood.frames_sent", Burst);
                    var waitUntil = DateTime.UtcNow + SoakContext.AnswerTimeout;
                    while (Interlocked.Read(ref received) < sent && DateTime.UtcNow < waitUntil && !reading.IsCompleted)
                    {
                        await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
                    }

                    if (Interlocked.Read(ref received) < sent && !reading.IsCompleted)
                    {
                        // Late or lost, the tool cannot tell once it stops waiting: not counted as losses.
                        counters.Problem("no_reply", $"flood slot {slot}: {sent - Interlocked.Read(ref received)} of {sent} echoes missing after {SoakContext.AnswerTimeout.TotalSeconds:0} s");
                        break;
                    }

                    await Task.Delay(random.Next(500, 2000), CancellationToken.None).ConfigureAwait(false);
                }

                if (!reading.IsCompleted)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "flood over", CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (WebSocketException)
            {
                // The server closed it mid-burst; the reader says how.
            }

            var code = await reading.WaitAsync(SoakContext.AnswerTimeout, CancellationToken.None)
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).ConfigureAwait(false);
            counters.Add("flood.echoes_received", Interlocked.Read(ref received));
            CountClose(counters, SoakClientKind.Flood, slot, code, 1000, 1008);
        }
    }

    /// <summary>
    /// A slow reader: sends a 1 KiB message to <c>/echo</c> every 200 ms but reads one echo a second, so the echoes back up
    /// in the kernel and the server's outbound queue. Lives 10–60 s, then stops sending, closes and reads what is left.
    /// Closes the server may choose: 1000 (ours answered) or 1008 (slow consumer); a server that drops the connection of a
    /// reader that does not drain is counted, not an error.
    /// </summary>
    /// <param name="context">The shared state.</param>
    /// <param name="slot">The client's slot.</param>
    /// <returns>Completes when the load stops.</returns>
    public static async Task SlowReaderAsync(SoakContext context, int slot)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.RandomFor(slot);
        var counters = context.Counters;
        var payload = new byte[1024];
        while (!context.Stop.IsCancellationRequested)
        {
            using var socket = await context.ConnectAsync("/echo", SoakClientKind.SlowReader, slot).ConfigureAwait(false);
            if (socket is null)
            {
                await context.DelayAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                continue;
            }

            var until = DateTime.UtcNow.AddSeconds(random.Next(10, 60));
            var closing = false;
            var reader = new WsMessages(socket);
            var reading = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        if (!Volatile.Read(ref closing))
                        {
                            await Task.Delay(1000, CancellationToken.None).ConfigureAwait(false);
                        }

                        var (type, _) = await reader.ReceiveAsync().ConfigureAwait(false);
                        if (type == WebSocketMessageType.Close)
                        {
                            return (int?)socket.CloseStatus;
                        }

                        counters.Add("slow.echoes_read");
                    }
                }
                catch (WebSocketException)
                {
                    return null;
                }
            });

            try
            {
                while (DateTime.UtcNow < until && !context.Stop.IsCancellationRequested && !reading.IsCompleted)
                {
                    await socket.SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None).ConfigureAwait(false);
                    counters.Add("slow.messages_sent");
                    await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
                }

                Volatile.Write(ref closing, true);
                if (!reading.IsCompleted)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "slow reader done", CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (WebSocketException)
            {
                // The server gave up on it; the reader says how.
            }

            Volatile.Write(ref closing, true);
            var code = await reading.WaitAsync(SoakContext.AnswerTimeout * 2, CancellationToken.None)
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).ConfigureAwait(false);
            if (code is null)
            {
                socket.Abort();
                counters.Add("slow.dropped_by_server");
            }
            else
            {
                CountClose(counters, SoakClientKind.SlowReader, slot, code, 1000, 1008);
            }
        }
    }

    /// <summary>
    /// A vanisher: opens <c>/ws</c> and joins a chat room (so its session is kept for the reconnection window) or opens
    /// <c>/echo</c> and sends one message, waits 2–20 s, and drops the TCP connection without a close frame; then again.
    /// </summary>
    /// <param name="context">The shared state.</param>
    /// <param name="slot">The client's slot.</param>
    /// <returns>Completes when the load stops.</returns>
    public static async Task VanisherAsync(SoakContext context, int slot)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.RandomFor(slot);
        var counters = context.Counters;
        while (!context.Stop.IsCancellationRequested)
        {
            var rooms = random.Next(2) == 0;
            using var socket = await context.ConnectAsync(rooms ? "/ws" : "/echo", SoakClientKind.Vanisher, slot).ConfigureAwait(false);
            if (socket is null)
            {
                await context.DelayAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                continue;
            }

            var message = rooms ? $$"""{"op":"join","room":"soak-{{random.Next(context.ChatRooms)}}","ref":1}""" : "vanishing";
            // Reading drains what the server sends meanwhile (presence, the echo) so the server never sees a slow reader.
            var reader = new WsMessages(socket);
            var draining = Task.Run(async () =>
            {
                try
                {
                    while ((await reader.ReceiveAsync().ConfigureAwait(false)).Type != WebSocketMessageType.Close)
                    {
                    }
                }
                catch (WebSocketException)
                {
                }
            });
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException ex)
            {
                counters.Problem("unexpected_drop", $"vanisher slot {slot}: {ex.Message}");
            }

            var stayed = await context.DelayAsync(TimeSpan.FromMilliseconds(random.Next(2000, 20000))).ConfigureAwait(false);
            if (stayed || random.Next(2) == 0)
            {
                socket.Abort();
                counters.Add("vanish.vanished");
            }
            else
            {
                // Stopping: half of them still vanish, the others close properly.
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "soak over", CancellationToken.None)
                    .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            await draining.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            await context.DelayAsync(TimeSpan.FromMilliseconds(random.Next(200, 2000))).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An abusive raw client (oversized frame, malformed frame, compression bomb): one bad frame per connection, the server's
    /// close code checked against the one expected, then 1–5 s later again.
    /// </summary>
    /// <param name="context">The shared state.</param>
    /// <param name="slot">The client's slot.</param>
    /// <param name="kind">Oversized, malformed or compression bomb.</param>
    /// <returns>Completes when the load stops.</returns>
    public static async Task RawAbuseAsync(SoakContext context, int slot, SoakClientKind kind)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.RandomFor(slot);
        var counters = context.Counters;
        var name = SoakOptionsParser.Name(kind);
        var expected = RawAbuse.ExpectedCloseCode(kind);
        while (await context.DelayAsync(TimeSpan.FromMilliseconds(random.Next(1000, 5000))).ConfigureAwait(false))
        {
            RawAbuseOutcome outcome;
            try
            {
                outcome = await RawAbuse.RunOnceAsync(context.Port, kind, random, context.Stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            counters.Add($"{name}.connects");
            if (outcome.CloseCode == expected)
            {
                counters.Add($"{name}.closed_{expected}");
            }
            else
            {
                counters.Problem("unexpected_close", $"{name} slot {slot}: {outcome.Frame}: expected {expected}, got {outcome.CloseCode?.ToString(CultureInfo.InvariantCulture) ?? outcome.Failure}");
            }
        }
    }

    private static void CountClose(SoakCounters counters, SoakClientKind kind, int slot, int? code, params int[] expected)
    {
        var name = SoakOptionsParser.Name(kind);
        if (code is { } c && expected.Contains(c))
        {
            counters.Add($"{name}.closed_{c}");
        }
        else
        {
            counters.Problem("unexpected_close", $"{name} slot {slot}: closed with {code?.ToString(CultureInfo.InvariantCulture) ?? "no close frame"}, expected {string.Join(" or ", expected)}");
        }
    }
}
