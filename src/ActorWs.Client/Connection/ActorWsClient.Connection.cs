using System.Net.WebSockets;
using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Protocol;
using ActorWs.Client.Requests;

namespace ActorWs.Client;

public sealed partial class ActorWsClient
{
    /// <summary>
    /// Opens the first connection. Completes once the client is <see cref="ConnectionState.Open"/>: the server's
    /// welcome (if it sends one) has been read, so <see cref="SessionId"/> is known, and when resuming a session from
    /// <see cref="Options.ActorWsClientOptions.ResumeToken"/> the outcome is known too. There is one attempt:
    /// reconnection only starts after the client has been open.
    /// </summary>
    /// <exception cref="ActorWsConnectException">The connection could not be opened; the client is then <see cref="ConnectionState.Closed"/>.</exception>
    /// <exception cref="InvalidOperationException">The client was connected (or closed) before.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state != ConnectionState.Idle) throw new InvalidOperationException($"The client is {_state}; ConnectAsync is called once per client.");
            SetStateLocked(ConnectionState.Connecting);
        }
        StartTimers();
        string? failure = null;
        var tried = new List<string>(_uris.Length);
        // Each URL once, in order, while the connection itself cannot be made (a server that answered decides).
        for (int i = 0; i < _uris.Length; i++)
        {
            _uriIndex = i;
            ClientConnection connection;
            try
            {
                connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException ex)
            {
                failure = ex.Message;
                tried.Add($"{_uris[i]}: {ex.Message}");
                continue;
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
            {
                failure = ex.Message;
                tried.Add($"{_uris[i]}: {ex.Message}");
                break;
            }
            try
            {
                failure = await EstablishAsync(connection, reconnecting: false).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or InvalidOperationException)
            {
                failure = ex.Message;
            }
            if (failure is null) return;
            tried.Add($"{_uris[i]}: {failure}");
            break;
        }
        await ShutdownAsync($"could not connect: {failure}", sendClose: false).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        throw new ActorWsConnectException(tried.Count == 1 ? $"Could not connect to {tried[0]}" : $"Could not connect to any of {string.Join("; ", tried)}");
    }

    /// <summary>
    /// The URL the client is connected to, or, while it connects or reconnects, the one it is trying (its own URL or one
    /// of <see cref="Options.ActorWsClientOptions.FailoverUris"/>).
    /// </summary>
    public Uri CurrentUri => _uris[_uriIndex];

    /// <summary>
    /// Ends the session: sends close 1000 (the server lets the client's rooms see it leave at once), stops
    /// reconnecting, fails waiting requests with <see cref="RequestFailure.ClientClosed"/> and completes
    /// <see cref="Events"/>. Safe to call more than once.
    /// </summary>
    public Task CloseAsync() => ShutdownAsync("closed by the client", sendClose: true);

    private async Task<ClientConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        _options.ConfigureWebSocket?.Invoke(socket.Options);
        string? token;
        long lastSeq;
        lock (_gate)
        {
            token = _token;
            lastSeq = _sequence.Last;
        }
        var positions = _cluster ? _positions.Snapshot() : null;
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken, _lifetime.Token);
        try
        {
            await socket.ConnectAsync(ResumeUri.Build(_uris[_uriIndex], token, lastSeq, positions), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            socket.Dispose();
            throw new WebSocketException(WebSocketError.Faulted, $"no connection within {_options.ConnectTimeout.TotalSeconds:0.###} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var connection = new ClientConnection(socket, Interlocked.Increment(ref _connections)) { AskedResume = token is not null };
        lock (_gate)
        {
            if (_state == ConnectionState.Closed)
            {
                connection.Abort();
                connection.Dispose();
                throw new OperationCanceledException("The client was closed while connecting.");
            }
            _current = connection;
        }
        Volatile.Write(ref _lastReceived, _time.GetTimestamp());
        _ = ReceiveLoopAsync(connection);
        return connection;
    }

    /// <summary>
    /// Brings a fresh connection to <see cref="ConnectionState.Open"/>: learns whether the server welcomed it (and
    /// resumed the session), re-joins the rooms of a lost session. Null on success, else why it did not get there.
    /// </summary>
    /// <remarks>
    /// The server sends its welcome as it opens the connection, before it reads anything from the client; so a
    /// <c>ping</c> sent right away is answered after the welcome, if there is one. The ping's reply arriving first
    /// means a server without welcome (and without resume): no timing guess is needed.
    /// </remarks>
    private async Task<string?> EstablishAsync(ClientConnection connection, bool reconnecting)
    {
        var probe = RequestOnAsync(connection, "ping", 0, static (_, _) => { }, CancellationToken.None);
        await Task.WhenAny(connection.Welcome.Task, probe, connection.Lost.Task).ConfigureAwait(false);
        // The welcome is read before the probe's reply: when both are done, the welcome came first.
        if (!connection.Welcome.Task.IsCompleted)
        {
            try
            {
                await probe.ConfigureAwait(false);
            }
            catch (ActorWsRequestException ex)
            {
                return ex.Failure == RequestFailure.ClientClosed ? "the client was closed" : $"no answer to the first ping: {ex.Reason}";
            }
        }
        else
        {
            // Its outcome no longer matters; observe it so that a failure is not reported as unobserved.
            _ = probe.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        string? sessionLost = null;
        bool welcomed = connection.Welcome.Task.IsCompleted;
        if (connection.AskedResume)
        {
            if (!welcomed)
            {
                // A server without welcome is no cluster node either: nothing of the old session's numbering applies.
                _sequence.Reset();
                _positions.Clear();
                _cluster = false;
                sessionLost = "no welcome from the server";
            }
            else if (connection.Welcome.Task.Result.Resumed != true)
            {
                sessionLost = connection.Welcome.Task.Result.ResumeError ?? "the server started a new session";
            }
        }
        else if (reconnecting)
        {
            sessionLost = "the server offers no resume (no resume token)";
        }

        if (sessionLost is not null && !await RecoverLostSessionAsync(connection, sessionLost).ConfigureAwait(false))
            return "the connection dropped while re-joining rooms";

        lock (_gate)
        {
            if (_current != connection || connection.IsLost) return connection.IsLost ? "the connection dropped" : "the client was closed";
            if (_state == ConnectionState.Closed) return "the client was closed";
            _openConnection = connection;
            SetStateLocked(ConnectionState.Open);
            _openSignal.TrySetResult(true);
        }
        return null;
    }

    /// <summary>The receive loop ended: fail what waited on the connection, then reconnect or close.</summary>
    private void OnConnectionLost(ClientConnection connection, string reason)
    {
        connection.Lost.TrySetResult(reason);
        FailPending(connection, RequestFailure.ConnectionLost, reason);
        TimeSpan firstDelay = default;
        bool reconnect = false;
        bool close = false;
        lock (_gate)
        {
            if (_current == connection) _current = null;
            if (_openConnection == connection)
            {
                _openConnection = null;
                _openSignal = NewSignal();
                if (!_options.AutoReconnect || _options.Reconnect.MaxAttempts == 0 || IsFinal(connection.CloseCode))
                {
                    close = true;
                }
                else
                {
                    reconnect = true;
                    firstDelay = _options.Reconnect.DelayFor(0, _random());
                    SetStateLocked(ConnectionState.Reconnecting, 1, firstDelay, reason);
                }
            }
            // While connecting or reconnecting, the code establishing the connection sees the loss itself.
        }
        connection.Dispose();
        if (close) _ = ShutdownAsync(reason, sendClose: false);
        else if (reconnect) _ = ReconnectLoopAsync(firstDelay);
    }

    private bool IsFinal(int? closeCode) => closeCode is int code && _options.FinalCloseCodes.Contains(code);

    private async Task ReconnectLoopAsync(TimeSpan delay)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await Task.Delay(delay, _time, _lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            string failure;
            ClientConnection? connection = null;
            try
            {
                connection = await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
                failure = await EstablishAsync(connection, reconnecting: true).ConfigureAwait(false) ?? "";
                if (failure.Length == 0) return;
                connection.Abort();
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or InvalidOperationException)
            {
                if (_lifetime.IsCancellationRequested) return;
                failure = ex.Message;
            }
            if (connection is not null)
            {
                // The loss is reported by the receive loop; wait for it so that the close code is known.
                await connection.Lost.Task.ConfigureAwait(false);
                if (IsFinal(connection.CloseCode))
                {
                    await ShutdownAsync($"the server closed the connection with {connection.CloseCode}: {failure}", sendClose: false).ConfigureAwait(false);
                    return;
                }
            }
            // With failover URLs, the next attempt goes to the next one (after the last, the client's own again).
            if (_uris.Length > 1) _uriIndex = (_uriIndex + 1) % _uris.Length;
            lock (_gate)
            {
                if (_state == ConnectionState.Closed) return;
                if (attempt >= _options.Reconnect.MaxAttempts)
                {
                    failure = $"gave up after {attempt} reconnection attempts: {failure}";
                }
                else
                {
                    delay = _options.Reconnect.DelayFor(attempt, _random());
                    SetStateLocked(ConnectionState.Reconnecting, attempt + 1, delay, failure);
                    continue;
                }
            }
            await ShutdownAsync(failure, sendClose: false).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>Closes for good (idempotent); with <paramref name="sendClose"/>, tells the server with close 1000 first.</summary>
    private async Task ShutdownAsync(string reason, bool sendClose)
    {
        ClientConnection? connection;
        lock (_gate)
        {
            if (_state == ConnectionState.Closed) return;
            connection = _current;
            _current = null;
            _openConnection = null;
            SetStateLocked(ConnectionState.Closed, reason: reason);
            _openSignal.TrySetResult(false);
        }
        _lifetime.Cancel();
        StopTimers();
        FailAllPending(RequestFailure.ClientClosed, reason);
        if (connection is not null)
        {
            if (sendClose) await SendCloseAsync(connection).ConfigureAwait(false);
            connection.Abort();
        }
        _events.Writer.TryComplete();
    }

    private async Task SendCloseAsync(ClientConnection connection)
    {
        // The close handshake gets a bounded time: a dead peer must not hold CloseAsync up.
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                await connection.Socket.CloseOutputAsync((WebSocketCloseStatus)ProtocolConstants.NormalClosure, "", timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
            await connection.Lost.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Already gone or too slow: the abort that follows ends it.
        }
    }

    /// <summary>The open connection, waiting (up to the request timeout) while the client connects or reconnects.</summary>
    private ValueTask<ClientConnection> WaitOpenAsync(string op, CancellationToken cancellationToken)
    {
        var open = _openConnection;
        return open is not null ? new ValueTask<ClientConnection>(open) : WaitOpenSlowAsync(op, cancellationToken);
    }

    private async ValueTask<ClientConnection> WaitOpenSlowAsync(string op, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_openConnection is { } open) return open;
                if (_state == ConnectionState.Closed) throw new ActorWsRequestException(RequestFailure.ClientClosed, "the client is closed", op);
                if (_state == ConnectionState.Idle) throw new InvalidOperationException("Call ConnectAsync first.");
                signal = _openSignal.Task;
            }
            try
            {
                await signal.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ActorWsRequestException(RequestFailure.TimedOut, $"no open connection within {_options.RequestTimeout.TotalSeconds:0.###} s", op);
            }
        }
    }
}
