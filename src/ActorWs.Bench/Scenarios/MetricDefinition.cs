namespace ActorWs.Bench.Scenarios;

/// <summary>One row of the results table.</summary>
/// <param name="Key">The stable key in <c>results.json</c>, e.g. <c>msgs_per_sec</c>.</param>
/// <param name="Label">The row label, with its unit, e.g. <c>throughput (msg/s)</c>.</param>
/// <param name="Better">Which way the metric improves.</param>
/// <param name="Decimals">Decimals shown in the table.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record MetricDefinition(string Key, string Label, BetterDirection Better, int Decimals);
