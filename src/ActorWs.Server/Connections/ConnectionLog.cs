using ActorWs.Protocol.Frames;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Connections;

/// <summary>The connection's log lines, defined once (no formatting work when a level is off).</summary>
internal static partial class ConnectionLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "WebSocket {ConnectionId} opened on {Route} ({Path}) from {RemoteEndPoint}")]
    public static partial void WebSocketOpened(ILogger logger, long connectionId, string route, string path, string? remoteEndPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "WebSocket {ConnectionId} on {Route} closed with {CloseCode} \"{CloseReason}\" (by peer: {ByPeer}) after {DurationSeconds:0.00} s")]
    public static partial void WebSocketClosed(ILogger logger, long connectionId, string? route, ushort closeCode, string closeReason, bool byPeer, double durationSeconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Connection {ConnectionId} refused with {Status}: {Reason}")]
    public static partial void Rejected(ILogger logger, long connectionId, int status, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Connection {ConnectionId} broke the protocol ({Violation}); closing with {CloseCode}")]
    public static partial void ProtocolViolation(ILogger logger, long connectionId, string violation, ushort closeCode);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Connection {ConnectionId} timed out in its handshake (partial request: {PartialRequest})")]
    public static partial void HandshakeTimedOut(ILogger logger, long connectionId, bool partialRequest);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Connection {ConnectionId} reads too slowly: {QueuedBytes} bytes queued, limit {Limit}; closing with 1008")]
    public static partial void SlowConsumer(ILogger logger, long connectionId, long queuedBytes, long limit);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: its session had not answered {Unanswered} messages within the close timeout; closing without their answers")]
    public static partial void AnswersTimedOut(ILogger logger, long connectionId, int unanswered);
}
