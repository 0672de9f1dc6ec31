using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// The server-authoritative tick loop: one timer at a time, re-armed for the next slot, never stacked. The timer is the
/// server clock's (<see cref="ServerRuntime.Time"/>): precise to about a millisecond in production, where Akka.NET's
/// scheduler moves in 10 ms steps (which would make a 30 Hz loop tick in uneven 30 and 40 ms strides), and virtual in
/// tests, where the clock is the test scheduler's.
/// </summary>
internal sealed partial class RoomActor
{
    private ITimer? _tickTimer;

    /// <summary>Fastest tick rate a room may ask for.</summary>
    public const double MaxTickRate = 120;

    private long _tickInterval;   // in TimeProvider timestamp units; 0 when not ticking
    private long _nextTickDue;
    private long _lastTick;

    internal void SetTickRate(double hz)
    {
        if (hz == 0)
        {
            StopTicking();
            return;
        }
        if (hz < 1 || hz > MaxTickRate || double.IsNaN(hz))
            throw new ArgumentOutOfRangeException(nameof(hz), hz, $"A tick rate is 1–{MaxTickRate} Hz (0 stops it).");
        var time = _runtime.Time;
        _tickInterval = (long)(time.TimestampFrequency / hz);
        _lastTick = time.GetTimestamp();
        _nextTickDue = _lastTick + _tickInterval;
        ArmTick(_lastTick);
    }

    private void StopTicking()
    {
        _tickInterval = 0;
        _tickTimer?.Dispose();
        _tickTimer = null;
    }

    private void ArmTick(long now)
    {
        long wait = Math.Max(0, _nextTickDue - now);
        var due = TimeSpan.FromSeconds((double)wait / _runtime.Time.TimestampFrequency);
        if (_tickTimer is null)
        {
            // The callback runs on a timer thread: it only tells the room. A late one (after a change or a stop) finds
            // the slot not due yet, or the loop stopped, and does nothing.
            var self = Self;
            _tickTimer = _runtime.Time.CreateTimer(static s => ((IActorRef)s!).Tell(RoomTickDue.Instance, ActorRefs.NoSender), self, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _tickTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void Tick()
    {
        if (_tickInterval == 0) return;
        var time = _runtime.Time;
        long now = time.GetTimestamp();
        if (now < _nextTickDue)
        {
            ArmTick(now); // early (timer granularity): wait for the slot
            return;
        }
        var delta = time.GetElapsedTime(_lastTick, now);
        _lastTick = now;
        _room.OnTick(delta);
        if (_tickInterval == 0) return; // the tick stopped the loop
        long after = time.GetTimestamp();
        _nextTickDue += _tickInterval;
        if (_nextTickDue <= after)
        {
            // The tick (or the machine) overran its slot: skip the missed slots rather than run them back to back.
            long missed = (after - _nextTickDue) / _tickInterval + 1;
            Log.LogWarning("Room {Room} tick took {Elapsed} ({Missed} slot(s) skipped)", RoomName, time.GetElapsedTime(now, after), missed);
            _nextTickDue += missed * _tickInterval;
        }
        ArmTick(after);
    }
}
