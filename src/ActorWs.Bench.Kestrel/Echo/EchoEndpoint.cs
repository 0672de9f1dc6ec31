using System.Buffers;
using System.Net.WebSockets;
using ActorWs.Bench.Kestrel.WebSockets;

namespace ActorWs.Bench.Kestrel.Echo;

/// <summary>
/// <c>/echo</c>: every frame received is sent straight back with the same type and the same
/// end-of-message flag, so messages of any size come back exactly as sent without being buffered whole.
/// </summary>
/// <remarks>Stateless; every connection runs its own loop, so concurrent use is safe.</remarks>
public static class EchoEndpoint
{
    /// <summary>
    /// Size of the pooled receive buffer each connection holds while it is open. 4 KiB is what
    /// ASP.NET samples use and covers the benchmark's small messages in one receive.
    /// </summary>
    public const int ReceiveBufferBytes = 4 * 1024;

    /// <summary>Accepts the WebSocket and echoes until the peer closes or the host stops.</summary>
    /// <param name="context">The HTTP request; answered 400 when it is not a WebSocket upgrade.</param>
    /// <param name="stopping">Cancelled when the host shuts down, which aborts the connection.</param>
    /// <returns>Completes when the connection is over.</returns>
    public static async Task HandleAsync(HttpContext context, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(CompressionPolicy.AcceptContext()).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), stopping).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, stopping).ConfigureAwait(false);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, stopping)
                    .ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping: cancellation has already aborted the socket.
        }
        catch (WebSocketException)
        {
            // The peer broke the protocol or vanished; there is nobody left to answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
