using System.Net.WebSockets;

namespace ActorWs.Bench.Soak;

/// <summary>Reads whole messages from a .NET WebSocket into a growing buffer.</summary>
/// <remarks>One instance per socket, used by its one reading task.</remarks>
public sealed class WsMessages(ClientWebSocket socket)
{
    private byte[] _buffer = new byte[4096];

    /// <summary>The next whole message; the memory is valid until the next call. A close frame gives <see cref="WebSocketMessageType.Close"/>.</summary>
    /// <param name="cancellationToken">Cancelling aborts the socket (that is how .NET's client works), so pass it only to give up on it.</param>
    /// <returns>The type and bytes.</returns>
    public async Task<(WebSocketMessageType Type, ReadOnlyMemory<byte> Bytes)> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, ReadOnlyMemory<byte>.Empty);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return (result.MessageType, _buffer.AsMemory(0, length));
            }
        }
    }

    /// <summary>Closes with 1000 and waits for the server's close, reading (and dropping) what comes before it.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>The server's close code; null when the socket failed or the wait ran out (the socket is then aborted).</returns>
    public static async Task<int?> CloseAsync(ClientWebSocket socket, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "soak over", limit.Token).ConfigureAwait(false);
            return (int?)socket.CloseStatus;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            socket.Abort();
            return null;
        }
    }
}
