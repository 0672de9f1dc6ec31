namespace ActorWs.Client.Protocol;

/// <summary>
/// The last sequence number the client delivered, and the rule that none is delivered twice.
/// </summary>
/// <remarks>
/// The server numbers every message a session receives from its rooms, from 1 up. After a resume it replays
/// what came after the client's <c>lastSeq</c>; should it overlap, <see cref="TryAccept"/> drops what was
/// already delivered. Binary messages carry only the low 32 bits, which <see cref="Unwrap"/> widens back to the
/// full number (a session older than 2^32 messages keeps working). Thread-safety: one writer (the receive
/// loop); <see cref="Last"/> may be read from any thread.
/// </remarks>
internal sealed class SequenceTracker
{
    private const long Window = 1L << 32;
    private const long HalfWindow = 1L << 31;

    private long _last;

    /// <summary>Starts after <paramref name="last"/> (0 for a new session).</summary>
    public SequenceTracker(long last = 0) => _last = last;

    /// <summary>The highest sequence number delivered so far (0: none).</summary>
    public long Last => Volatile.Read(ref _last);

    /// <summary>Whether <paramref name="seq"/> is new; if so it becomes <see cref="Last"/>.</summary>
    public bool TryAccept(long seq)
    {
        if (seq <= _last) return false;
        Volatile.Write(ref _last, seq);
        return true;
    }

    /// <summary>Forgets the numbering: a new session starts again from 1.</summary>
    public void Reset(long last = 0) => Volatile.Write(ref _last, last);

    /// <summary>
    /// The full sequence number whose low 32 bits are <paramref name="low"/> and which lies closest to
    /// <see cref="Last"/> (numbers move forward a little at a time, so that is the one meant).
    /// </summary>
    public long Unwrap(uint low) => Widen(_last, low);

    /// <summary>
    /// The number whose low 32 bits are <paramref name="low"/> nearest to <paramref name="last"/>: the rule for every
    /// counter the protocol cuts to 32 bits on the wire (sequence numbers, room positions).
    /// </summary>
    public static long Widen(long last, uint low)
    {
        long candidate = (last & ~(Window - 1)) | low;
        if (candidate <= last - HalfWindow) candidate += Window;
        else if (candidate > last + HalfWindow && candidate >= Window) candidate -= Window;
        return candidate;
    }
}
