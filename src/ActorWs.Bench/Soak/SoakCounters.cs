using System.Collections.Concurrent;

namespace ActorWs.Bench.Soak;

/// <summary>
/// What the soak's clients counted: named counters (informational) and problems (each one fails the run), with the first
/// few descriptions of every kind of problem kept for the report.
/// </summary>
/// <remarks>Thread-safe: every client task reports here concurrently.</remarks>
public sealed class SoakCounters
{
    /// <summary>Descriptions kept per kind of problem.</summary>
    public const int KeptDetails = 5;

    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _problems = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _details = new(StringComparer.Ordinal);

    /// <summary>Adds to a named counter.</summary>
    /// <param name="name">The counter, e.g. <c>room.deliveries_checked</c>.</param>
    /// <param name="amount">How much.</param>
    public void Add(string name, long amount = 1) => _counters.AddOrUpdate(name, amount, (_, v) => v + amount);

    /// <summary>Raises a named counter to <paramref name="value"/> if it is below (a maximum, e.g. the longest wait).</summary>
    /// <param name="name">The counter.</param>
    /// <param name="value">The candidate.</param>
    public void Max(string name, long value) => _counters.AddOrUpdate(name, value, (_, v) => Math.Max(v, value));

    /// <summary>Records a problem: something a correct server would not have done (a lost message, an unexpected close code).</summary>
    /// <param name="kind">The kind, e.g. <c>loss</c> or <c>unexpected_close</c>.</param>
    /// <param name="detail">What happened, for the report (only the first <see cref="KeptDetails"/> of each kind are kept).</param>
    /// <param name="amount">How many (a sequence gap of 3 is 3 losses).</param>
    public void Problem(string kind, string detail, long amount = 1)
    {
        _problems.AddOrUpdate(kind, amount, (_, v) => v + amount);
        var kept = _details.GetOrAdd(kind, _ => new ConcurrentQueue<string>());
        if (kept.Count < KeptDetails)
        {
            kept.Enqueue(detail);
        }
    }

    /// <summary>A counter's value (0 when never added to).</summary>
    /// <param name="name">The counter.</param>
    /// <returns>Its value.</returns>
    public long Get(string name) => _counters.TryGetValue(name, out var v) ? v : 0;

    /// <summary>How many problems of a kind were recorded.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The count.</returns>
    public long Problems(string kind) => _problems.TryGetValue(kind, out var v) ? v : 0;

    /// <summary>Every counter, sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Counters => _counters.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    /// <summary>Every kind of problem with its count and kept descriptions, sorted by kind.</summary>
    public IReadOnlyList<(string Kind, long Count, IReadOnlyList<string> Details)> AllProblems =>
        _problems.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, p.Value, (IReadOnlyList<string>)(_details.TryGetValue(p.Key, out var d) ? d.ToList() : new List<string>())))
            .ToList();
}
