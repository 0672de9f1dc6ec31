using Akka.Actor;
using Akka.Hosting;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Samples.Embedded;

/// <summary>
/// The application's own background service: every interval it announces the time to the "clock" room (whose
/// members are the connections on <c>/clock</c>) and records it in the application's announcement log actor, which
/// Akka.Hosting injects as <see cref="IRequiredActor{TActor}"/>.
/// </summary>
/// <param name="rooms">The server's rooms.</param>
/// <param name="log">The announcement log actor, from Akka.Hosting's registry.</param>
/// <param name="settings">How often to announce.</param>
/// <param name="time">The clock that times the announcements and stamps them (the system clock in the sample).</param>
public sealed class ClockService(RoomDirectory rooms, IRequiredActor<AnnouncementLog> log, ClockSettings settings, TimeProvider time) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The actor is registered as the actor system starts, which may be after this service has started.
            var logActor = await log.GetAsync(stoppingToken);
            using var timer = new PeriodicTimer(settings.Interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var tick = new ClockTick(time.GetUtcNow());
                // The room exists only while someone is in it; TellAsync says whether anyone heard.
                bool delivered = await rooms.TellAsync(ClockRoom.TypeName, ClockRoom.RoomName, tick, stoppingToken);
                logActor.Tell(new AnnouncementLog.Record(tick.At, delivered), ActorRefs.NoSender);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
