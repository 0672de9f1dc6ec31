using Akka;
using Akka.Actor;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Listener;
using ActorWs.Server.Metrics;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server;

/// <summary>
/// The root of one server's actors: the listener (and under it every connection), the session manager and
/// the room manager (with clustered rooms, the node's <see cref="ClusterRoomManager"/> and its <see cref="RoomRelay"/>).
/// </summary>
/// <remarks>
/// These three hold the server's state (the bound socket, every session, every room), so a failure of any
/// of them is not papered over by a restart that would silently lose it: the failed actor is stopped and the
/// server reports itself faulted, which the hosting layer turns into a non-zero exit for the supervisor
/// (systemd and the like) to act on. Failures below them (a connection, a session, a room) are handled by
/// their own strategies and never reach here.
/// </remarks>
internal sealed class ServerActor : UntypedActor
{
    /// <summary>Stop everything; answered with <see cref="Done"/> once all of it is gone.</summary>
    internal sealed record StopServer
    {
        public static readonly StopServer Instance = new();
    }

    private readonly ServerRuntime _runtime;
    private readonly ILogger _log;
    private IActorRef? _stopRequester;

    public ServerActor(ServerRuntime runtime)
    {
        _runtime = runtime;
        _log = runtime.LoggerFactory.CreateLogger("ActorWs.Server");
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex =>
        {
            _log.LogCritical(ex, "A core server actor failed; the server can no longer serve");
            _runtime.ReportFault(ex);
            return Directive.Stop;
        }, loggingEnabled: false);

    protected override void PreStart()
    {
        var runtime = _runtime;
        _runtime.SessionManager = Context.Watch(Context.ActorOf(FactoryActorProducer<SessionManager>.Props(() => new SessionManager(runtime)), "sessions"));
        if (runtime.ClusterRooms is { } cluster)
        {
            // Rooms are sharded over the cluster: this node's relay, and its entry point to the rooms' directories. The relay
            // runs where the connections do (see ServerRuntime.OnRelayDispatcher): behind the work already queued on that
            // thread, it finds several rooms' turns in its mailbox, and hands each connection one batch for all of them.
            _runtime.RoomRelay = Context.Watch(Context.ActorOf(runtime.OnRelayDispatcher(FactoryActorProducer<RoomRelay>.Props(() => new RoomRelay(runtime.Metrics))), "relay"));
            _runtime.RoomManager = Context.Watch(Context.ActorOf(FactoryActorProducer<ClusterRoomManager>.Props(() => new ClusterRoomManager(runtime, cluster)), "rooms"));
        }
        else
        {
            _runtime.RoomManager = Context.Watch(Context.ActorOf(FactoryActorProducer<RoomManager>.Props(() => new RoomManager(runtime)), "rooms"));
        }
        _runtime.Listener = Context.Watch(Context.ActorOf(FactoryActorProducer<ListenerActor>.Props(() => new ListenerActor(runtime)), "listener"));
        Context.ActorOf(FactoryActorProducer<DeadLetterCounter>.Props(() => new DeadLetterCounter(runtime.Metrics)), "dead-letters");
    }

    protected override void PostStop() => _stopRequester?.Tell(Done.Instance, ActorRefs.NoSender);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Bind bind:
                _runtime.Listener.Forward(bind);
                break;
            case StopServer:
                _stopRequester = Sender;
                Context.Stop(Self);
                break;
            case Terminated terminated:
                if (_stopRequester is null)
                    _runtime.ReportFault(new InvalidOperationException($"{terminated.ActorRef.Path} stopped unexpectedly"));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
