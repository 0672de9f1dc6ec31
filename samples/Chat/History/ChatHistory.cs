namespace ActorWs.Samples.Chat.History;

/// <summary>
/// The last <see cref="Capacity"/> messages of one room, oldest first, in a fixed ring (appending never grows it),
/// with the room's message numbering.
/// </summary>
/// <remarks>
/// Not thread-safe: it belongs to the one live room of its name (the server keeps one room per name and type) and
/// is used from that room's callbacks only; <see cref="ChatHistoryStore"/> hands it over from one incarnation of
/// the room to the next.
/// </remarks>
public sealed class ChatHistory
{
    private readonly ChatEntry?[] _ring;
    private int _start;
    private int _count;

    /// <summary>An empty history keeping up to <paramref name="capacity"/> messages.</summary>
    public ChatHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new ChatEntry?[capacity];
    }

    /// <summary>How many messages it keeps at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>How many it holds now.</summary>
    public int Count => _count;

    /// <summary>The id of the last message appended (0 before the first).</summary>
    public long LastId { get; private set; }

    /// <summary>The <paramref name="index"/>-th message kept, 0 being the oldest.</summary>
    public ChatEntry this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
            return _ring[(_start + index) % _ring.Length]!;
        }
    }

    /// <summary>Numbers and keeps a new message, forgetting the oldest when full.</summary>
    /// <returns>The entry as kept (with its id).</returns>
    public ChatEntry Append(string authorId, string authorName, string text, long sentAtUnixMs, string? clientId)
    {
        var entry = new ChatEntry(++LastId, authorId, authorName, text, sentAtUnixMs, clientId);
        if (_count < _ring.Length)
        {
            _ring[(_start + _count) % _ring.Length] = entry;
            _count++;
        }
        else
        {
            _ring[_start] = entry;
            _start = (_start + 1) % _ring.Length;
        }
        return entry;
    }

    /// <summary>The kept message <paramref name="authorName"/> sent with <paramref name="clientId"/>, or null.</summary>
    /// <remarks>Only the same author's: someone else reusing a client id cannot suppress a message.</remarks>
    public ChatEntry? FindByClientId(string clientId, string authorName)
    {
        for (int i = _count - 1; i >= 0; i--)
        {
            var entry = this[i];
            if (entry.ClientId == clientId && entry.AuthorName == authorName) return entry;
        }
        return null;
    }
}
