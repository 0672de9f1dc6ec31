using Akka.Actor;

namespace ActorWs.Samples.Embedded;

/// <summary>
/// The application's own Akka.NET actor, created and registered in Akka.Hosting's <see cref="Akka.Hosting.ActorRegistry"/>
/// as the actor system starts, and injected into its services as <c>Akka.Hosting.IRequiredActor&lt;AnnouncementLog&gt;</c>:
/// it keeps the last announcements and whether anyone was listening.
/// </summary>
public sealed class AnnouncementLog : ReceiveActor
{
    /// <summary>How many announcements are kept; older ones are forgotten.</summary>
    public const int Kept = 10;

    /// <summary>An announcement was made at <paramref name="At"/>; <paramref name="Delivered"/> if the room had members.</summary>
    public sealed record Record(DateTimeOffset At, bool Delivered);

    /// <summary>Asks for the last announcements (answered with a <see cref="Record"/> array, newest last).</summary>
    public sealed record GetRecent
    {
        /// <summary>The one instance.</summary>
        public static readonly GetRecent Instance = new();

        private GetRecent()
        {
        }
    }

    private readonly Queue<Record> _recent = new();

    /// <summary>Created by the actor system: <c>system.ActorOf(Props.Create&lt;AnnouncementLog&gt;())</c>.</summary>
    public AnnouncementLog()
    {
        Receive<Record>(record =>
        {
            _recent.Enqueue(record);
            if (_recent.Count > Kept) _recent.Dequeue();
        });
        Receive<GetRecent>(_ => Sender.Tell(_recent.ToArray(), Self));
    }
}
