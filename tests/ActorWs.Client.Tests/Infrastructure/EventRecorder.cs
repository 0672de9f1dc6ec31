using ActorWs.Client.Events;

namespace ActorWs.Client.Tests.Infrastructure;

/// <summary>
/// Drains a client's events into a list as they come, so a test can wait for the one it expects (bounded) and
/// still look at everything that came before and after it.
/// </summary>
internal sealed class EventRecorder
{
    private readonly List<ClientEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EventRecorder(ActorWsClient client)
    {
        Completion = Task.Run(async () =>
        {
            await foreach (var e in client.Events.ReadAllAsync())
            {
                lock (_events)
                {
                    _events.Add(e);
                    _changed.TrySetResult();
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        });
    }

    /// <summary>Ends when the client's event channel completes.</summary>
    public Task Completion { get; }

    public IReadOnlyList<ClientEvent> Snapshot()
    {
        lock (_events) return _events.ToArray();
    }

    public IReadOnlyList<T> All<T>(Func<T, bool>? match = null) where T : ClientEvent =>
        Snapshot().OfType<T>().Where(e => match?.Invoke(e) ?? true).ToArray();

    /// <summary>The first event of type <typeparamref name="T"/> matching <paramref name="match"/>, waiting for it if need be.</summary>
    public async Task<T> WaitAsync<T>(Func<T, bool>? match = null) where T : ClientEvent => (await WaitCountAsync(1, match))[0];

    /// <summary>Waits until <paramref name="count"/> matching events have been recorded; returns them.</summary>
    public async Task<IReadOnlyList<T>> WaitCountAsync<T>(int count, Func<T, bool>? match = null) where T : ClientEvent
    {
        var deadline = DateTime.UtcNow + TestServer.Wait;
        while (true)
        {
            Task changed;
            lock (_events)
            {
                var found = _events.OfType<T>().Where(e => match?.Invoke(e) ?? true).ToArray();
                if (found.Length >= count) return found;
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
                throw new TimeoutException($"expected {count} {typeof(T).Name} event(s); got: {string.Join(", ", Snapshot())}");
        }
    }
}
