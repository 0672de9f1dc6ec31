namespace ActorWs.Server.Tests.Infrastructure;

/// <summary>Waiting, bounded by <see cref="TestServer.Wait"/>, for something another thread makes true.</summary>
internal static class Poll
{
    /// <summary>
    /// Returns once <paramref name="condition"/> holds (checked every 10 ms); throws a <see cref="TimeoutException"/>
    /// saying <paramref name="what"/> (or that the condition never held) after <see cref="TestServer.Wait"/>.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string>? what = null)
    {
        var deadline = DateTime.UtcNow + TestServer.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what?.Invoke() ?? "condition never held");
            await Task.Delay(10);
        }
    }
}
