using ActorWs.Client.Connection;
using ActorWs.Client.Requests;

namespace ActorWs.Client;

public sealed partial class ActorWsClient
{
    private ITimer? _heartbeatTimer;
    private ITimer? _ackTimer;
    private long _lastAcked;

    private void StartTimers()
    {
        if (_options.HeartbeatInterval > TimeSpan.Zero)
            _heartbeatTimer = _time.CreateTimer(static s => ((ActorWsClient)s!).OnHeartbeat(), this, _options.HeartbeatInterval, _options.HeartbeatInterval);
        if (_options.AckInterval > TimeSpan.Zero)
            _ackTimer = _time.CreateTimer(static s => ((ActorWsClient)s!).OnAckDue(), this, _options.AckInterval, _options.AckInterval);
    }

    private void StopTimers()
    {
        _heartbeatTimer?.Dispose();
        _ackTimer?.Dispose();
    }

    /// <summary>
    /// A connection that has been silent for the heartbeat timeout is dead (a half-open TCP connection never
    /// says so itself): drop it. Otherwise send a ping, whose reply is the traffic the next check looks for.
    /// </summary>
    private void OnHeartbeat()
    {
        var connection = _openConnection;
        if (connection is null) return;
        var silent = _time.GetElapsedTime(Volatile.Read(ref _lastReceived));
        if (silent >= _options.HeartbeatTimeout)
        {
            connection.Abort($"no traffic from the server for {silent.TotalSeconds:0.#} s (heartbeat timeout)");
            return;
        }
        _ = HeartbeatPingAsync(connection);
    }

    private async Task HeartbeatPingAsync(ClientConnection connection)
    {
        try
        {
            await RequestOnAsync(connection, "ping", 0, static (_, _) => { }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ActorWsRequestException)
        {
            // A missing reply is judged by the next heartbeat; a lost connection is handled by its receive loop.
        }
    }

    /// <summary>Tells the server how far the client has processed, so it can drop what it keeps for a resume.</summary>
    private void OnAckDue()
    {
        var connection = _openConnection;
        long last = _sequence.Last;
        if (connection is null || last <= Volatile.Read(ref _lastAcked)) return;
        lock (_gate)
        {
            // Only a server that sent a welcome numbers messages and knows "ack".
            if (_token is null) return;
        }
        Volatile.Write(ref _lastAcked, last);
        _ = SendAckAsync(connection, last);
    }

    private async Task SendAckAsync(ClientConnection connection, long seq)
    {
        try
        {
            await SendJsonAsync(connection, seq, static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("op"u8, "ack"u8);
                w.WriteNumber("seq"u8, s);
                w.WriteEndObject();
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ActorWsRequestException)
        {
            // The next ack carries a later number anyway.
            Volatile.Write(ref _lastAcked, 0);
        }
    }
}
