using System.Net;
using System.Net.WebSockets;
using System.Text;
using Akka.Actor;

namespace ActorWs.Server.ActorRoutes;

/// <summary>
/// The first message a route's actor (<see cref="ActorWsServer.MapActorRoute"/>) gets: its WebSocket is open.
/// Reply to <paramref name="Connection"/> (or to the <c>Sender</c> of any message from it) with
/// <see cref="SendWebSocketMessage"/> and <see cref="CloseWebSocket"/>.
/// </summary>
/// <param name="Connection">The connection actor.</param>
/// <param name="Path">The request path.</param>
/// <param name="Query">The query string (without <c>?</c>, not decoded).</param>
/// <param name="RouteValues">Route template parameters, e.g. <c>name</c> for <c>/rooms/{name}</c>.</param>
/// <param name="Identity">What the route's accept hook attached (null when anonymous).</param>
/// <param name="Subprotocol">The negotiated subprotocol, or null.</param>
/// <param name="RemoteEndPoint">The client's address.</param>
public sealed record WebSocketOpened(
    IActorRef Connection,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> RouteValues,
    object? Identity,
    string? Subprotocol,
    EndPoint? RemoteEndPoint);

/// <summary>A whole message from the client, told to the route's actor by its connection (a copy it may keep).</summary>
/// <param name="Type">Text or binary.</param>
/// <param name="Payload">The message's bytes.</param>
public sealed record WebSocketMessageReceived(WebSocketMessageType Type, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The payload decoded as UTF-8 (for text messages).</summary>
    public string Text => Encoding.UTF8.GetString(Payload.Span);
}

/// <summary>Tell the connection this to send a message to the client.</summary>
/// <param name="Type">Text or binary.</param>
/// <param name="Payload">The message's bytes (copied when the connection takes it).</param>
public sealed record SendWebSocketMessage(WebSocketMessageType Type, ReadOnlyMemory<byte> Payload)
{
    /// <summary>A text message (UTF-8).</summary>
    public static SendWebSocketMessage OfText(string text) =>
        new(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>A binary message.</summary>
    public static SendWebSocketMessage OfBinary(ReadOnlyMemory<byte> payload) => new(WebSocketMessageType.Binary, payload);
}

/// <summary>Tell the connection this to start the close handshake with the client.</summary>
/// <param name="Code">The close code (1000 normal, 1008 policy violation, 4000–4999 for the application, …).</param>
/// <param name="Reason">The close reason (at most 123 bytes of UTF-8).</param>
public sealed record CloseWebSocket(ushort Code = 1000, string Reason = "");
