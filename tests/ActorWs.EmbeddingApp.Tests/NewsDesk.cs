using Akka.Actor;
using ActorWs.Server.Rooms;

namespace ActorWs.EmbeddingApp.Tests;

/// <summary>
/// The application's own actor: it announces news in the "news" relay room. It finds the room through the server's
/// room manager (Akka.Hosting's <c>IRequiredActor&lt;RoomDirectory&gt;</c>), tells it a <see cref="RoomBroadcast"/>,
/// and watches it, reporting to whoever asked when the room is gone.
/// </summary>
public sealed class NewsDesk(IActorRef roomManager) : UntypedActor
{
    /// <summary>Announce <paramref name="Text"/> to the room's members; the sender hears <see cref="Announced"/>.</summary>
    public sealed record Announce(string Text);

    /// <summary>The room had the announcement.</summary>
    public sealed record Announced(string Text);

    /// <summary>The room the desk watched has stopped.</summary>
    public sealed record RoomGone(IActorRef Room);

    private readonly Queue<(string Text, IActorRef ReplyTo)> _waiting = new();
    private IActorRef? _room;
    private IActorRef _watcher = ActorRefs.Nobody;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Announce announce when _room is not null:
                _room.Tell(RoomBroadcast.Text(announce.Text));
                Sender.Tell(new Announced(announce.Text));
                break;
            case Announce announce:
                _waiting.Enqueue((announce.Text, Sender));
                if (_waiting.Count == 1) roomManager.Tell(new GetRoom("relay", "news", CreateIfMissing: true));
                break;
            case RoomLookup { Room: { } room }:
                _room = room;
                Context.Watch(room);
                while (_waiting.TryDequeue(out var pending))
                {
                    room.Tell(RoomBroadcast.Text(pending.Text));
                    pending.ReplyTo.Tell(new Announced(pending.Text));
                    _watcher = pending.ReplyTo;
                }
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_room):
                _room = null;
                _watcher.Tell(new RoomGone(terminated.ActorRef));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
