using ActorWs.Actors;
using ActorWs.Hosting.Hosting;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Samples.Embedded;

/// <summary>
/// The application's own background service: every interval it announces the time to the "clock" room (whose
/// members are the connections on <c>/clock</c>) and records it in the application's announcement log actor.
/// </summary>
public sealed class ClockService(RoomDirectory rooms, IRequiredActor<AnnouncementLog> log, ClockSettings settings, TimeProvider time) : BackgroundService
{
    /// <summary>Made by dependency injection; the system clock.</summary>
    public ClockService(RoomDirectory rooms, IRequiredActor<AnnouncementLog> log, ClockSettings settings)
        : this(rooms, log, settings, TimeProvider.System)
    {
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logActor = await log.GetAsync(stoppingToken);
        using var timer = new PeriodicTimer(settings.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var tick = new ClockTick(time.GetUtcNow());
                // The room exists only while someone is in it; TellAsync says whether anyone heard.
                bool delivered = await rooms.TellAsync(ClockRoom.TypeName, ClockRoom.RoomName, tick, stoppingToken);
                logActor.Tell(new AnnouncementLog.Record(tick.At, delivered));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
