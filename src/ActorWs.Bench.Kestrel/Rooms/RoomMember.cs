using System.Net.WebSockets;
using System.Threading.Channels;

namespace ActorWs.Bench.Kestrel.Rooms;

/// <summary>
/// One connection in a room: owns the socket's send side through a bounded queue drained by a
/// single send loop, because a <see cref="WebSocket"/> allows only one send at a time and many
/// members' receive loops broadcast to it concurrently.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="EnqueueAsync"/> and <see cref="CompleteOutbound"/> may be called from
/// any thread concurrently; <see cref="RunSenderAsync"/> must be started exactly once.
/// </remarks>
public sealed class RoomMember
{
    /// <summary>
    /// Messages that may wait for this member before broadcasters wait too. A full queue applies
    /// back-pressure to the senders instead of dropping messages or growing memory without bound.
    /// </summary>
    public const int OutboundQueueCapacity = 64;

    private readonly WebSocket _socket;
    private readonly Channel<RoomMessage> _outbound;

    /// <summary>Wraps an accepted socket.</summary>
    /// <param name="socket">The member's open WebSocket.</param>
    public RoomMember(WebSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _outbound = Channel.CreateBounded<RoomMessage>(new BoundedChannelOptions(OutboundQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>
    /// Queues a message for this member, waiting while its queue is full. Returns without queuing
    /// once the member has left or its connection failed, so one dead member never blocks a room.
    /// </summary>
    /// <param name="message">The message to deliver.</param>
    /// <param name="cancellationToken">Cancels the wait for queue space.</param>
    /// <returns>Completes when the message is queued or can no longer be.</returns>
    public ValueTask EnqueueAsync(RoomMessage message, CancellationToken cancellationToken)
    {
        // The common case (space available) completes synchronously without allocating.
        return _outbound.Writer.TryWrite(message) ? ValueTask.CompletedTask : WaitAndEnqueueAsync(message, cancellationToken);
    }

    /// <summary>Stops accepting messages; the send loop ends after sending what is already queued.</summary>
    public void CompleteOutbound() => _outbound.Writer.TryComplete();

    /// <summary>Sends queued messages in order until <see cref="CompleteOutbound"/> or a send failure.</summary>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>Completes when the loop is over; never faults.</returns>
    public async Task RunSenderAsync(CancellationToken cancellationToken)
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    await _socket.SendAsync(message.Payload, message.Type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone: refuse further messages so broadcasters stop waiting on it.
            _outbound.Writer.TryComplete();
        }
    }

    private async ValueTask WaitAndEnqueueAsync(RoomMessage message, CancellationToken cancellationToken)
    {
        var writer = _outbound.Writer;
        while (await writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            if (writer.TryWrite(message))
            {
                return;
            }
        }
    }
}
