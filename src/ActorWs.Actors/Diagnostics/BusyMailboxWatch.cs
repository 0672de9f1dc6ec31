namespace ActorWs.Actors;

/// <summary>
/// Remembers the actors whose mailbox outgrew its first segment (more than
/// <see cref="MailboxSegment.InitialCapacity"/> messages waiting), so that the busiest mailboxes can be
/// reported without walking every actor of the system.
/// </summary>
/// <remarks>
/// Why this shape: a healthy actor drains its mailbox within a turn and never links a second segment, so
/// the only cost on the message path is in the rare, already slow, grow branch. A scrape then reads the
/// few tracked cells instead of a hundred thousand idle ones. Thread-safe: producers call
/// <see cref="Noticed"/> while holding a mailbox segment lock, so this type never takes a segment lock
/// while holding its own (<see cref="Report"/> reads depths outside its lock).
/// </remarks>
internal sealed class BusyMailboxWatch
{
    /// <summary>Most actors tracked at once; beyond it new ones wait until a report lets drained ones go.</summary>
    internal const int MaxTracked = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<ActorCell, int> _peaks = new(ReferenceEqualityComparer.Instance);

    /// <summary>Records that <paramref name="cell"/>'s mailbox holds about <paramref name="depth"/> messages.</summary>
    internal void Noticed(ActorCell cell, int depth)
    {
        lock (_gate)
        {
            if (_peaks.TryGetValue(cell, out int peak))
            {
                if (depth > peak) _peaks[cell] = depth;
            }
            else if (_peaks.Count < MaxTracked)
            {
                _peaks.Add(cell, depth);
            }
        }
    }

    /// <summary>
    /// The <paramref name="count"/> deepest tracked mailboxes, deepest first. Each tracked actor's peak
    /// restarts from its current depth; actors that are empty or stopped are forgotten once reported.
    /// </summary>
    internal List<MailboxDepth> Report(int count)
    {
        KeyValuePair<ActorCell, int>[] tracked;
        lock (_gate)
        {
            tracked = [.. _peaks];
        }

        var depths = new List<(ActorCell Cell, int Queued, int Peak, int Seen)>(tracked.Length);
        foreach (var (cell, peak) in tracked)
        {
            int queued = cell.QueuedMessageCount;
            depths.Add((cell, queued, Math.Max(queued, peak), peak));
        }

        lock (_gate)
        {
            foreach (var (cell, queued, _, seen) in depths)
            {
                // Noticed() may have raised the peak since the snapshot: that newer peak is kept for the next report.
                if (!_peaks.TryGetValue(cell, out int peak) || peak != seen)
                {
                    continue;
                }

                if (queued == 0)
                {
                    _peaks.Remove(cell);
                }
                else
                {
                    _peaks[cell] = queued;
                }
            }
        }

        depths.Sort((a, b) => b.Peak != a.Peak ? b.Peak.CompareTo(a.Peak) : b.Queued.CompareTo(a.Queued));
        var busiest = new List<MailboxDepth>(Math.Min(count, depths.Count));
        for (int i = 0; i < depths.Count && busiest.Count < count; i++)
        {
            busiest.Add(new MailboxDepth(depths[i].Cell.Path, depths[i].Queued, depths[i].Peak));
        }

        return busiest;
    }
}
