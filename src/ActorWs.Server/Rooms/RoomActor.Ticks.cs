using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>The server-authoritative tick loop: one timer at a time, re-armed for the next slot, never stacked.</summary>
internal sealed partial class RoomActor
{
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
        Timers?.Cancel(RoomTickDue.Instance);
    }

    private void ArmTick(long now)
    {
        long wait = Math.Max(0, _nextTickDue - now);
        Timers.StartSingleTimer(RoomTickDue.Instance, RoomTickDue.Instance, TimeSpan.FromSeconds((double)wait / _runtime.Time.TimestampFrequency));
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
