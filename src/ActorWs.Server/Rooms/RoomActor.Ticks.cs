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
        long due = _nextTickDue;
        _room.OnTick(delta);
        if (_tickInterval == 0) return; // the tick stopped the loop
        long after = time.GetTimestamp();
        _nextTickDue += _tickInterval;
        long missed = 0;
        if (_nextTickDue <= after)
        {
            // Past the next slot already: skip the missed slots rather than run them back to back.
            missed = (after - _nextTickDue) / _tickInterval + 1;
            _nextTickDue += missed * _tickInterval;
        }
        // Armed before the report: writing a log line must not delay the next slot (and whoever reads the log knows the
        // next tick is already scheduled).
        ArmTick(after);
        if (missed > 0) ReportMissedSlots(due, now, after, missed);
    }

    /// <summary>
    /// A warning only when the room's own tick took longer than a slot (its <see cref="Room.OnTick"/> is too slow for the
    /// rate); when the tick was short but started late (the timer fired late: a busy or paused machine, a GC), at debug.
    /// </summary>
    private void ReportMissedSlots(long due, long started, long finished, long missed)
    {
        var time = _runtime.Time;
        double tickMs = time.GetElapsedTime(started, finished).TotalMilliseconds;
        double slotMs = _tickInterval * 1000.0 / time.TimestampFrequency;
        if (finished - started > _tickInterval)
        {
            Log.LogWarning("Room {Room} tick took {TickMs:0.0} ms, longer than its {SlotMs:0.0} ms slot ({Missed} slot(s) skipped)",
                RoomName, tickMs, slotMs, missed);
        }
        else if (Log.IsEnabled(LogLevel.Debug))
        {
            Log.LogDebug("Room {Room} tick started {LateMs:0.0} ms late (its timer fired late; the tick took {TickMs:0.000} ms): {Missed} slot(s) of {SlotMs:0.0} ms skipped",
                RoomName, time.GetElapsedTime(due, started).TotalMilliseconds, tickMs, missed, slotMs);
        }
    }
}
