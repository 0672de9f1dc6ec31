using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Protocol;
using ActorWs.Client.Requests;

namespace ActorWs.Client;

public sealed partial class ActorWsClient
{
    /// <summary>
    /// The server's <c>welcome</c>: remember the session, token and whether the server is a cluster node. A new
    /// session numbers its messages from 1 again, so the numbering (and the room positions) is reset here, before the
    /// first of its messages is read.
    /// </summary>
    private void HandleWelcome(ClientConnection connection, in ServerMessage message)
    {
        // A route that cannot resume sends a null token: the session is known, resuming it is not possible.
        if (message.Session is null || message.Token is { Length: 0 } || connection.Welcome.Task.IsCompleted)
        {
            Interlocked.Increment(ref _ignoredMessages);
            return;
        }
        bool resumed = message.Resumed == true && connection.AskedResume;
        if (!resumed)
        {
            _sequence.Reset();
            Volatile.Write(ref _lastAcked, 0);
        }
        // Positions are kept only while the server numbers rooms, and only for the session they were read in.
        if (!resumed || !message.Cluster) _positions.Clear();
        _cluster = message.Cluster;
        lock (_gate)
        {
            _session = message.Session;
            _token = message.Token;
        }
        Publish(new Welcomed(message.Session, message.Token, resumed, message.LastSeq, message.ResumeError) { Cluster = message.Cluster });
        connection.Welcome.TrySetResult(message with { Resumed = resumed });
    }

    /// <summary>
    /// The previous session is gone: report it, give up the game rooms (the application decides) and join the
    /// chat rooms again by name. False when the connection dropped meanwhile (the next attempt tries again).
    /// </summary>
    private async Task<bool> RecoverLostSessionAsync(ClientConnection connection, string reason)
    {
        string[] chatRooms;
        GameRoomMembership[] gameRooms;
        lock (_gate)
        {
            chatRooms = _chatRooms.ToArray();
            gameRooms = _gameRooms.ToArray();
            _gameRooms.Clear();
        }
        Publish(new ResumeFailed(reason, chatRooms, gameRooms));
        foreach (var game in gameRooms) Publish(new GameRoomLost(game.Room, game.Type));

        var joins = new Task<System.Text.Json.JsonElement>[chatRooms.Length];
        for (int i = 0; i < chatRooms.Length; i++)
            joins[i] = RequestOnAsync(connection, "join", chatRooms[i], WriteRoomField, CancellationToken.None);
        for (int i = 0; i < chatRooms.Length; i++)
        {
            try
            {
                var reply = await joins[i].ConfigureAwait(false);
                Publish(new RoomRejoined(chatRooms[i], JoinedRoom.From(reply, chatRooms[i], null).Members));
            }
            catch (ActorWsRequestException ex) when (ex.Failure is RequestFailure.Rejected or RequestFailure.MalformedReply)
            {
                ForgetRoom(chatRooms[i]);
                Publish(new RoomRejoinFailed(chatRooms[i], ex.Reason));
            }
            catch (ActorWsRequestException ex)
            {
                // Lost, timed out or closed: this connection will not do; let it go and try again on the next.
                connection.Abort(ex.Reason);
                return false;
            }
        }
        return true;
    }

    private void TrackChatRoom(string room)
    {
        lock (_gate)
        {
            if (!_chatRooms.Contains(room)) _chatRooms.Add(room);
        }
    }

    private void TrackGameRoom(string room, string? type)
    {
        lock (_gate)
        {
            _gameRooms.RemoveAll(g => g.Room == room);
            _gameRooms.Add(new GameRoomMembership(room, type));
        }
    }

    private void ForgetRoom(string room)
    {
        lock (_gate)
        {
            _chatRooms.Remove(room);
            _gameRooms.RemoveAll(g => g.Room == room);
        }
        _positions.Forget(room);
    }
}
