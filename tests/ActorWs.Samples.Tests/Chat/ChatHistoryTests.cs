using ActorWs.Samples.Chat.History;

namespace ActorWs.Samples.Tests.Chat;

/// <summary>The bounded ring of a room's messages and the store that keeps rooms' histories across room lifetimes.</summary>
public sealed class ChatHistoryTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 5)]
    [InlineData(50, 49)]
    [InlineData(50, 50)]
    [InlineData(50, 51)]
    [InlineData(50, 60)]
    [InlineData(50, 1234)]
    [InlineData(7, 100)]
    public void KeepsTheLastCapacityMessages_OldestFirst_NumberedFromOne(int capacity, int appended)
    {
        var history = new ChatHistory(capacity);
        for (int i = 1; i <= appended; i++)
        {
            var entry = history.Append("s-1", "Ada", $"m{i}", 1000 + i, null);
            Assert.Equal(i, entry.Id);
        }

        int expected = Math.Min(capacity, appended);
        Assert.Equal(expected, history.Count);
        Assert.Equal(appended, history.LastId);
        for (int i = 0; i < expected; i++)
        {
            long id = appended - expected + 1 + i;
            Assert.Equal(id, history[i].Id);
            Assert.Equal($"m{id}", history[i].Text);
            Assert.Equal(1000 + id, history[i].SentAtUnixMs);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => history[expected]);
        Assert.Throws<ArgumentOutOfRangeException>(() => history[-1]);
    }

    [Fact]
    public void FindsAMessageByClientId_OnlyForTheSameAuthor_AndOnlyWhileKept()
    {
        var history = new ChatHistory(3);
        history.Append("s-1", "Ada", "first", 1, "c1");
        history.Append("s-2", "Bob", "second", 2, "c2");

        Assert.Equal("first", history.FindByClientId("c1", "Ada")?.Text);
        Assert.Null(history.FindByClientId("c1", "Bob"));
        Assert.Null(history.FindByClientId("nope", "Ada"));

        history.Append("s-1", "Ada", "3", 3, null);
        history.Append("s-1", "Ada", "4", 4, null);
        Assert.Null(history.FindByClientId("c1", "Ada"));
        Assert.Equal("second", history.FindByClientId("c2", "Bob")?.Text);
    }

    [Fact]
    public void Capacity_MustBePositive() => Assert.Throws<ArgumentOutOfRangeException>(() => new ChatHistory(0));

    [Fact]
    public void Store_GivesARoomItsHistoryBack_AfterTheRoomStopped()
    {
        var store = new ChatHistoryStore(historyLength: 50, maxRooms: 10);
        var first = store.Acquire("general");
        first.Append("s-1", "Ada", "hello", 1, null);
        store.Release("general");

        var again = store.Acquire("general");
        Assert.Same(first, again);
        Assert.Equal(1, again.LastId);
        Assert.Equal(50, again.Capacity);
    }

    [Fact]
    public void Store_ForgetsTheLeastRecentlyUsedIdleHistory_WhenFull_NeverARunningRoomsOne()
    {
        var store = new ChatHistoryStore(historyLength: 5, maxRooms: 2);
        store.Acquire("a");                  // running, oldest
        store.Acquire("b");
        store.Release("b");                  // idle

        store.Acquire("c");                  // full: b is the only idle one
        Assert.True(store.Contains("a"));
        Assert.False(store.Contains("b"));
        Assert.True(store.Contains("c"));

        // Everything kept is running: the new history is kept anyway (running rooms hold theirs).
        store.Acquire("d");
        Assert.Equal(3, store.Count);

        store.Release("a");
        store.Release("c");
        store.Release("d");
        store.Acquire("e");                  // a was released first: the least recently used
        Assert.False(store.Contains("a"));
        Assert.True(store.Contains("c"));
        Assert.True(store.Contains("d"));
    }

    [Fact]
    public void Store_ARestartedRoom_HoldsItsHistoryThroughTheHandOver()
    {
        // The fresh incarnation acquires before (or after) the old one releases: either way the history stays.
        var store = new ChatHistoryStore(historyLength: 5, maxRooms: 1);
        var old = store.Acquire("general");
        var fresh = store.Acquire("general");
        store.Release("general");
        store.Acquire("other");              // full, but general is still in use
        Assert.True(store.Contains("general"));
        Assert.Same(old, fresh);
    }

    [Fact]
    public void Store_ReleasingAnUnknownRoom_IsHarmless()
    {
        var store = new ChatHistoryStore(historyLength: 5, maxRooms: 1);
        store.Release("never");
        store.Acquire("x");
        store.Release("x");
        store.Release("x");
        Assert.Equal(1, store.Count);
    }
}
