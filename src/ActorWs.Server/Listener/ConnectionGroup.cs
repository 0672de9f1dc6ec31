using System.Globalization;
using Akka.Actor;
using ActorWs.Server.Connections;
using ActorWs.Server.Dispatch;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Listener;

/// <summary>
/// Parent and supervisor of a share of the listener's connections (the groups take the listener's accept batches in
/// turn): it creates each connection actor and stops one that fails, touching no other.
/// </summary>
/// <remarks>
/// Why groups: Akka.NET keeps an actor's children in an immutable dictionary, so creating and stopping a child costs
/// its parent work and garbage that grow with the number of children (measured: about a kilobyte of garbage per
/// connection with ten thousand children under one parent). Spread over <see cref="Count"/> parents, each holds a few
/// hundred, and the creations run on more than one thread instead of all on the listener's.
/// </remarks>
internal sealed class ConnectionGroup : UntypedActor
{
    /// <summary>How many groups a listener has.</summary>
    public const int Count = 1024;

    /// <summary>Listener → group: sockets of one accept batch; each gets its connection actor, which is then told its socket.</summary>
    internal sealed record SocketsAccepted(IReadOnlyList<ConnectionActor.AttachSocket> Sockets);

    private readonly ServerRuntime _runtime;
    private readonly ILogger _log;

    public ConnectionGroup(ServerRuntime runtime, ILogger log)
    {
        _runtime = runtime;
        _log = log;
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex =>
        {
            // Logged here, once (Akka.NET's own failure log is off for this strategy).
            _log.LogError(ex, "A connection actor failed; only that connection is closed");
            return Directive.Stop;
        }, loggingEnabled: false);

    protected override void OnReceive(object message)
    {
        if (message is SocketsAccepted accepted)
        {
            foreach (var attach in accepted.Sockets)
            {
                // On the dispatcher of the I/O loop that owns the socket, when the transport has one.
                var connection = Context.ActorOf(_runtime.ConnectionProps(attach.Transport.DispatcherId), "c" + attach.Entry.Id.ToString(CultureInfo.InvariantCulture));
                connection.Tell(attach, Self);
            }
        }
        else
        {
            Unhandled(message);
        }
    }
}
