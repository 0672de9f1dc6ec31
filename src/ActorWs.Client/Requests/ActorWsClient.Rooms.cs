using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorWs.Client.Protocol;
using ActorWs.Client.Requests;

namespace ActorWs.Client;

public sealed partial class ActorWsClient
{
    private static readonly Action<Utf8JsonWriter, string> WriteRoomField = static (w, room) => w.WriteString("room"u8, room);

    /// <summary>Joins (creating if needed) the chat room <paramref name="room"/>; the client re-joins it by itself after a lost session.</summary>
    /// <returns>The room and all its members, the client included, in join order.</returns>
    /// <exception cref="ArgumentException">The name is empty or over 128 UTF-8 bytes.</exception>
    /// <exception cref="ActorWsRequestException">The server refused (<see cref="RequestFailure.Rejected"/>), or see <see cref="RequestAsync"/>.</exception>
    public async Task<JoinedRoom> JoinAsync(string room, CancellationToken cancellationToken = default)
    {
        ValidateRoom(room);
        var reply = await RequestOnAsync(null, "join", room, WriteRoomField, cancellationToken).ConfigureAwait(false);
        var joined = JoinedRoom.From(reply, room, null);
        TrackChatRoom(room);
        return joined;
    }

    /// <summary>Leaves a room (chat or game); the others see a presence <c>leave</c>.</summary>
    /// <exception cref="ArgumentException">The name is empty or over 128 UTF-8 bytes.</exception>
    /// <exception cref="ActorWsRequestException">The server refused, or see <see cref="RequestAsync"/>.</exception>
    public async Task LeaveAsync(string room, CancellationToken cancellationToken = default)
    {
        ValidateRoom(room);
        await RequestOnAsync(null, "leave", room, WriteRoomField, cancellationToken).ConfigureAwait(false);
        ForgetRoom(room);
    }

    /// <summary>
    /// Sends <paramref name="data"/> (serialized with System.Text.Json) to a room the client is in, without a
    /// <c>ref</c>: completes once written to the socket. The server answers only if it refuses (a <see cref="Events.ServerError"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The room name is empty or over 128 UTF-8 bytes.</exception>
    /// <exception cref="ActorWsRequestException">No open connection in time, the connection lost, the client closed.</exception>
    /// <exception cref="NotSupportedException"><paramref name="data"/> cannot be serialized.</exception>
    public async ValueTask SendAsync<T>(string room, T data, CancellationToken cancellationToken = default)
    {
        ValidateRoom(room);
        var connection = await WaitOpenAsync("send", cancellationToken).ConfigureAwait(false);
        await SendJsonAsync(connection, (Room: room, Data: data), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("op"u8, "send"u8);
            w.WriteString("room"u8, s.Room);
            w.WritePropertyName("data"u8);
            JsonSerializer.Serialize(w, s.Data);
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Like <see cref="SendAsync{T}"/>, with a <c>ref</c>: completes once the room accepted the message (within its
    /// size and rate limits, and its logic did not refuse it), after whatever the room sent in handling it.
    /// </summary>
    /// <exception cref="ActorWsRequestException">The server or the room refused (<see cref="RequestFailure.Rejected"/>: not a member, too big, over the rate limit, a room's validation, the room failed handling it), or see <see cref="RequestAsync"/>.</exception>
    public async Task SendConfirmedAsync<T>(string room, T data, CancellationToken cancellationToken = default)
    {
        ValidateRoom(room);
        await RequestOnAsync(null, "send", (Room: room, Data: data), static (w, s) =>
        {
            w.WriteString("room"u8, s.Room);
            w.WritePropertyName("data"u8);
            JsonSerializer.Serialize(w, s.Data);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends already-serialized JSON as the <c>data</c> of a <c>send</c> (no ref, no re-serialization).</summary>
    /// <exception cref="ArgumentException">The room name is invalid, or <paramref name="utf8Json"/> is not one complete JSON value.</exception>
    /// <exception cref="ActorWsRequestException">No open connection in time, the connection lost, the client closed.</exception>
    public async ValueTask SendRawAsync(string room, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        ValidateRoom(room);
        ValidateJson(utf8Json.Span);
        var connection = await WaitOpenAsync("send", cancellationToken).ConfigureAwait(false);
        await SendJsonAsync(connection, (Room: room, Data: utf8Json), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("op"u8, "send"u8);
            w.WriteString("room"u8, s.Room);
            w.WritePropertyName("data"u8);
            w.WriteRawValue(s.Data.Span, skipInputValidation: true);
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a binary message: the server hands it to the game room the client joined last.</summary>
    /// <exception cref="ActorWsRequestException">No open connection in time, the connection lost, the client closed.</exception>
    public async ValueTask SendBinaryAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var connection = await WaitOpenAsync("binary", cancellationToken).ConfigureAwait(false);
        await SendBytesAsync(connection, payload, WebSocketMessageType.Binary, cancellationToken, "binary").ConfigureAwait(false);
    }

    /// <summary>Matchmaking: joins the first room of <paramref name="type"/> that is neither full nor locked, creating one when there is none.</summary>
    /// <param name="type">The room type the server defined (<c>arena</c>).</param>
    /// <param name="options">Passed to the room's <c>OnAuth</c> (and <c>OnCreate</c>); any object serializing to a JSON object, or null.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is empty, or <paramref name="options"/> is not a JSON object.</exception>
    /// <exception cref="ActorWsRequestException">The server refused, or see <see cref="RequestAsync"/>.</exception>
    public Task<JoinedRoom> JoinOrCreateAsync(string type, object? options = null, CancellationToken cancellationToken = default) =>
        GameJoinAsync("joinOrCreate", "type", type, options, cancellationToken);

    /// <summary>Always creates a new room of <paramref name="type"/> and joins it.</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is empty, or <paramref name="options"/> is not a JSON object.</exception>
    /// <exception cref="ActorWsRequestException">The server refused, or see <see cref="RequestAsync"/>.</exception>
    public Task<JoinedRoom> CreateAsync(string type, object? options = null, CancellationToken cancellationToken = default) =>
        GameJoinAsync("create", "type", type, options, cancellationToken);

    /// <summary>Joins the game room <paramref name="roomId"/> (<c>arena-3</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="roomId"/> is empty or too long, or <paramref name="options"/> is not a JSON object.</exception>
    /// <exception cref="ActorWsRequestException"><c>room is full</c>, <c>room is locked</c>, <c>no such room</c> (<see cref="RequestFailure.Rejected"/>), or see <see cref="RequestAsync"/>.</exception>
    public Task<JoinedRoom> JoinByIdAsync(string roomId, object? options = null, CancellationToken cancellationToken = default)
    {
        ValidateRoom(roomId);
        return GameJoinAsync("joinById", "room", roomId, options, cancellationToken);
    }

    /// <summary>
    /// The first page (the server's default size, 50) of the rooms of <paramref name="type"/> (all types when null) whose
    /// metadata has every field of <paramref name="filter"/> equal. <see cref="ListRoomsPageAsync"/> gives the next pages.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="filter"/> is not a JSON object.</exception>
    /// <exception cref="ActorWsRequestException">The server refused, or see <see cref="RequestAsync"/>.</exception>
    public async Task<IReadOnlyList<RoomListing>> ListRoomsAsync(string? type = null, object? filter = null, CancellationToken cancellationToken = default) =>
        (await ListRoomsPageAsync(type, filter, limit: null, cursor: null, cancellationToken).ConfigureAwait(false)).Rooms;

    /// <summary>
    /// One page of the rooms of <paramref name="type"/> (all types when null) whose metadata has every field of
    /// <paramref name="filter"/> equal: at most <paramref name="limit"/> (1–200; null: the server's default, 50), after
    /// <paramref name="cursor"/> (the previous page's <see cref="RoomListingPage.Next"/>; null for the first page). A page
    /// may hold fewer rooms than asked for while <see cref="RoomListingPage.Next"/> is not null (a filter skipped many):
    /// keep asking until it is null.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="filter"/> is not a JSON object.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not 1 to 200.</exception>
    /// <exception cref="ActorWsRequestException">The server refused (a cursor it did not give), or see <see cref="RequestAsync"/>.</exception>
    public async Task<RoomListingPage> ListRoomsPageAsync(string? type = null, object? filter = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        if (limit is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(limit));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(n, ProtocolConstants.MaxListLimit, nameof(limit));
        }
        var filterElement = ToObjectElement(filter, nameof(filter));
        var reply = await RequestOnAsync(null, "listRooms", (Type: type, Filter: filterElement, Limit: limit, Cursor: cursor), static (w, s) =>
        {
            if (s.Type is not null) w.WriteString("type"u8, s.Type);
            if (s.Filter is { } f)
            {
                w.WritePropertyName("filter"u8);
                f.WriteTo(w);
            }
            if (s.Limit is { } l) w.WriteNumber("limit"u8, l);
            if (s.Cursor is not null) w.WriteString("cursor"u8, s.Cursor);
        }, cancellationToken).ConfigureAwait(false);
        return new RoomListingPage(RoomListing.ListFrom(reply), JoinedRoom.StringProperty(reply, "next"));
    }

    private async Task<JoinedRoom> GameJoinAsync(string op, string keyField, string key, object? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var optionsElement = ToObjectElement(options, nameof(options));
        var reply = await RequestOnAsync(null, op, (Field: keyField, Key: key, Options: optionsElement), static (w, s) =>
        {
            w.WriteString(s.Field, s.Key);
            if (s.Options is { } o)
            {
                w.WritePropertyName("options"u8);
                o.WriteTo(w);
            }
        }, cancellationToken).ConfigureAwait(false);
        string? fallbackType = keyField == "type" ? key : null;
        var joined = JoinedRoom.From(reply, keyField == "room" ? key : "", fallbackType);
        if (joined.Room.Length == 0) throw new ActorWsRequestException(RequestFailure.MalformedReply, "the reply names no room", op);
        TrackGameRoom(joined.Room, joined.Type);
        return joined;
    }

    private static void ValidateRoom(string room, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(room))] string? parameter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(room, parameter);
        if (Encoding.UTF8.GetByteCount(room) > ProtocolConstants.MaxRoomNameBytes)
            throw new ArgumentException($"Room names are at most {ProtocolConstants.MaxRoomNameBytes} UTF-8 bytes.", parameter);
    }

    private static void ValidateJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read()) throw new ArgumentException("Expected a JSON value, got nothing.", "utf8Json");
            reader.Skip();
            if (reader.Read()) throw new ArgumentException("Expected one JSON value, got more.", "utf8Json");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Not valid JSON: {ex.Message}", "utf8Json", ex);
        }
    }
}
