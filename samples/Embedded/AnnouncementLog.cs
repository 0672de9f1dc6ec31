using ActorWs.Actors;

namespace ActorWs.Samples.Embedded;

/// <summary>
/// The application's own actor, registered at start-up and injected into its services with
/// <c>IRequiredActor&lt;AnnouncementLog&gt;</c>: it keeps the last announcements and whether anyone was listening.
/// </summary>
public sealed class AnnouncementLog : ActorBase
{
    /// <summary>An announcement was made.</summary>
    public sealed record Record(DateTimeOffset At, bool Delivered);

    /// <summary>Asks for the last announcements (answered with a <see cref="Record"/> array, newest last).</summary>
    public sealed record GetRecent
    {
        /// <summary>The one instance.</summary>
        public static readonly GetRecent Instance = new();
    }

    private const int Kept = 10;
    private readonly Queue<Record> _recent = new();

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Record record:
                _recent.Enqueue(record);
                if (_recent.Count > Kept) _recent.Dequeue();
                return true;
            case GetRecent:
                Sender.Tell(_recent.ToArray(), Self);
                return true;
            default:
                return false;
        }
    }
}
