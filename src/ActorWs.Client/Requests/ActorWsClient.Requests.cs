using System.Net.WebSockets;
using System.Text.Json;
using ActorWs.Client.Connection;
using ActorWs.Client.Requests;

namespace ActorWs.Client;

public sealed partial class ActorWsClient
{
    /// <summary>
    /// Sends <c>{"op":op,"ref":n,…fields}</c> and returns the server's <c>reply</c> with the same ref (the whole
    /// reply object). For operations this client has no method for (a server's own ops).
    /// </summary>
    /// <param name="op">The operation.</param>
    /// <param name="fields">An object whose properties are added to the request (anonymous object, dictionary, <see cref="JsonElement"/>); null for none. <c>op</c> and <c>ref</c> in it are ignored.</param>
    /// <param name="cancellationToken">Stops waiting (the request may still have been sent).</param>
    /// <exception cref="ActorWsRequestException">An <c>error</c> reply (<see cref="RequestFailure.Rejected"/>), no reply in time, the connection lost, the client closed.</exception>
    /// <exception cref="ArgumentException"><paramref name="op"/> is empty, or <paramref name="fields"/> is not a JSON object.</exception>
    public Task<JsonElement> RequestAsync(string op, object? fields = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(op);
        var element = ToObjectElement(fields, nameof(fields));
        return RequestOnAsync(null, op, element, static (w, e) =>
        {
            if (e is not { } obj) return;
            foreach (var property in obj.EnumerateObject())
            {
                if (property.NameEquals("op"u8) || property.NameEquals("ref"u8)) continue;
                property.WriteTo(w);
            }
        }, cancellationToken);
    }

    /// <summary>Round trip of an application heartbeat (<c>{"op":"ping"}</c>).</summary>
    /// <exception cref="ActorWsRequestException">No reply in time, the connection lost, the client closed.</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        long start = _time.GetTimestamp();
        await RequestOnAsync(null, "ping", 0, static (_, _) => { }, cancellationToken).ConfigureAwait(false);
        return _time.GetElapsedTime(start);
    }

    /// <summary>
    /// Sends one request on <paramref name="pinned"/> (re-joins during a reconnection must go out on the new
    /// connection before it counts as open) or, when null, on the open connection once there is one.
    /// </summary>
    private async Task<JsonElement> RequestOnAsync<TState>(ClientConnection? pinned, string op, TState state, Action<Utf8JsonWriter, TState> writeFields, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var connection = pinned ?? await WaitOpenAsync(op, linked.Token).ConfigureAwait(false);
        long id = Interlocked.Increment(ref _nextRef);
        var pending = new PendingRequest(connection, op);
        _pending[id] = pending;
        try
        {
            if (connection.IsLost) throw new ActorWsRequestException(RequestFailure.ConnectionLost, "the connection dropped", op);
            await SendJsonAsync(connection, (Op: op, Id: id, State: state, Write: writeFields), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("op"u8, s.Op);
                w.WriteNumber("ref"u8, s.Id);
                s.Write(w, s.State);
                w.WriteEndObject();
            }, linked.Token, op).ConfigureAwait(false);
            return await pending.Reply.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ActorWsRequestException(RequestFailure.TimedOut, $"no reply within {_options.RequestTimeout.TotalSeconds:0.###} s", op);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Writes one JSON message with the client's reusable writer and sends it; allocation-free once warm. Sends
    /// are serialized (a WebSocket takes one at a time).
    /// </summary>
    /// <exception cref="ActorWsRequestException"><see cref="RequestFailure.ConnectionLost"/> when the connection failed under the send.</exception>
    private async ValueTask SendJsonAsync<TState>(ClientConnection connection, TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken, string op = "send")
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (connection.IsLost) throw new ActorWsRequestException(RequestFailure.ConnectionLost, "the connection dropped", op);
            _sendBuffer.ResetWrittenCount();
            _sendWriter.Reset(_sendBuffer);
            write(_sendWriter, state);
            _sendWriter.Flush();
            await connection.Socket.SendAsync(_sendBuffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, connection.Stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ActorWsRequestException(RequestFailure.ConnectionLost, "the connection dropped", op);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask SendBytesAsync(ClientConnection connection, ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationToken cancellationToken, string op)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.Socket.SendAsync(payload, type, endOfMessage: true, connection.Stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ActorWsRequestException(RequestFailure.ConnectionLost, "the connection dropped", op);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static JsonElement? ToObjectElement(object? value, string parameter)
    {
        if (value is null) return null;
        var element = value is JsonElement e ? e : JsonSerializer.SerializeToElement(value, value.GetType());
        if (element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Object) throw new ArgumentException($"Expected an object (JSON {{…}}), got JSON {element.ValueKind}.", parameter);
        return element;
    }
}
