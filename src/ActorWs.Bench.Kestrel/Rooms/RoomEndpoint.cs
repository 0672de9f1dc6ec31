using System.Buffers;
using System.Net.WebSockets;
using ActorWs.Bench.Kestrel.WebSockets;

namespace ActorWs.Bench.Kestrel.Rooms;

/// <summary>
/// <c>/rooms/{name}</c>: a raw relay room. Every complete message a member sends is delivered
/// as-is to every member of the room, the sender included.
/// </summary>
/// <remarks>Stateless; shared state lives in <see cref="RoomRegistry"/>, so concurrent use is safe.</remarks>
public static class RoomEndpoint
{
    /// <summary>Initial pooled receive buffer per member; grows by doubling for larger messages.</summary>
    public const int InitialReceiveBufferBytes = 4 * 1024;

    /// <summary>Largest message relayed; a bigger one closes the connection with 1009 (message too big).</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>Longest room name accepted; longer names are answered 400.</summary>
    public const int MaxRoomNameLength = 256;

    /// <summary>Accepts the WebSocket, joins the room and relays until the peer closes or the host stops.</summary>
    /// <param name="context">The HTTP request; answered 400 when it is not a WebSocket upgrade or the name is too long.</param>
    /// <param name="roomName">The room name from the route.</param>
    /// <param name="rooms">The room registry.</param>
    /// <param name="stopping">Cancelled when the host shuts down, which aborts the connection.</param>
    /// <returns>Completes when the member has left.</returns>
    public static async Task HandleAsync(HttpContext context, string roomName, RoomRegistry rooms, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rooms);
        if (!context.WebSockets.IsWebSocketRequest || string.IsNullOrEmpty(roomName) || roomName.Length > MaxRoomNameLength)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(CompressionPolicy.AcceptContext()).ConfigureAwait(false);
        var member = new RoomMember(socket);
        var room = rooms.Join(roomName, member);
        var sendLoop = member.RunSenderAsync(stopping);
        var closeStatus = WebSocketCloseStatus.NormalClosure;
        var peerClosed = false;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBufferBytes);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxMessageBytes)
                    {
                        closeStatus = WebSocketCloseStatus.MessageTooBig;
                        break;
                    }

                    buffer = Grow(buffer, length);
                }

                var received = await socket.ReceiveAsync(buffer.AsMemory(length), stopping).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    peerClosed = true;
                    break;
                }

                length += received.Count;
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var message = new RoomMessage(buffer.AsSpan(0, length).ToArray(), received.MessageType);
                length = 0;
                foreach (var recipient in room.MemberSnapshot)
                {
                    await recipient.EnqueueAsync(message, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer vanished or the host is stopping; leave the room below.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            rooms.Leave(room, member);
            member.CompleteOutbound();
            await sendLoop.ConfigureAwait(false);
        }

        await CloseQuietlyAsync(socket, closeStatus, peerClosed, stopping).ConfigureAwait(false);
    }

    private static byte[] Grow(byte[] buffer, int used)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxMessageBytes));
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, bool peerClosed, CancellationToken stopping)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            if (peerClosed)
            {
                await socket.CloseOutputAsync(status, null, stopping).ConfigureAwait(false);
            }
            else
            {
                // We start the close (message too big): wait, bounded by host shutdown, for the peer's reply.
                await socket.CloseAsync(status, null, stopping).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Closing is best effort once the peer is gone.
        }
    }
}
