using System.Net.WebSockets;
using ActorWs.Client.Protocol;

namespace ActorWs.Client.Connection;

/// <summary>
/// One WebSocket connection of a client: the socket, its receive loop, and what the connection learnt.
/// A reconnection makes a new one; a dropped one is never reused.
/// </summary>
/// <remarks>Thread-safety: the socket is sent to under the client's send lock and read by the receive loop only.</remarks>
internal sealed class ClientConnection(ClientWebSocket socket, int number) : IDisposable
{
    public ClientWebSocket Socket { get; } = socket;

    /// <summary>1 for the client's first connection, then counting up.</summary>
    public int Number { get; } = number;

    /// <summary>Cancelled when the connection is dropped or closed: pending receives and sends end.</summary>
    public CancellationTokenSource Stop { get; } = new();

    /// <summary>Completes (with why) when the receive loop has ended.</summary>
    public TaskCompletionSource<string> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the first <c>welcome</c> on this connection.</summary>
    public TaskCompletionSource<ServerMessage> Welcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the connection asked to resume a session (its URL carried a token).</summary>
    public bool AskedResume { get; init; }

    /// <summary>The server's close code, when it sent a close frame.</summary>
    public int? CloseCode { get; set; }

    public bool IsLost => Lost.Task.IsCompleted;

    /// <summary>Why the client dropped the connection itself (e.g. no heartbeat reply); null when it did not.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>Drops the connection at once (no close handshake): the receive loop ends and reports the loss.</summary>
    public void Abort(string? reason = null)
    {
        AbortReason ??= reason;
        try
        {
            Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        Socket.Abort();
    }

    public void Dispose()
    {
        Socket.Dispose();
        Stop.Dispose();
    }
}
