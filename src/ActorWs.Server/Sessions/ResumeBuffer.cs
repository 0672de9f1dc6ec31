using ActorWs.Server.Buffers;

namespace ActorWs.Server.Sessions;

/// <summary>
/// The room messages a resumable session has sent (or would have sent) and the client has not acknowledged,
/// newest last, bounded in count and bytes; the oldest are dropped first.
/// </summary>
/// <remarks>Owned by one session actor; not thread-safe. It holds one reference to each frame.</remarks>
internal sealed class ResumeBuffer
{
    private readonly int _maxMessages;
    private readonly long _maxBytes;
    private readonly Queue<(long Seq, OutboundFrame Frame)> _entries = new();
    private long _bytes;

    public ResumeBuffer(int maxMessages, long maxBytes)
    {
        _maxMessages = maxMessages;
        _maxBytes = maxBytes;
    }

    /// <summary>The highest sequence number dropped without acknowledgement (0 when none): a resume from before it cannot be complete.</summary>
    public long LostThrough { get; private set; }

    public int Count => _entries.Count;

    /// <summary>Keeps <paramref name="frame"/> (taking one reference) as message <paramref name="seq"/>.</summary>
    public void Add(long seq, OutboundFrame frame)
    {
        _entries.Enqueue((seq, frame));
        _bytes += frame.Length;
        while (_entries.Count > _maxMessages || (_bytes > _maxBytes && _entries.Count > 1))
        {
            var (droppedSeq, dropped) = _entries.Dequeue();
            _bytes -= dropped.Length;
            LostThrough = droppedSeq;
            dropped.Release();
        }
    }

    /// <summary>Forgets everything up to and including <paramref name="seq"/> (the client has it).</summary>
    public void Acknowledge(long seq)
    {
        while (_entries.TryPeek(out var head) && head.Seq <= seq)
        {
            _entries.Dequeue();
            _bytes -= head.Frame.Length;
            head.Frame.Release();
        }
    }

    /// <summary>The kept messages numbered after <paramref name="seq"/>, oldest first (each with a new reference for the caller).</summary>
    public IEnumerable<OutboundFrame> After(long seq)
    {
        foreach (var (s, frame) in _entries)
        {
            if (s <= seq) continue;
            frame.AddReferences(1);
            yield return frame;
        }
    }

    public void Clear()
    {
        while (_entries.TryDequeue(out var entry)) entry.Frame.Release();
        _bytes = 0;
    }
}
