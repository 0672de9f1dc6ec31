using System.Globalization;
using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// An open-loop broadcast's capacity: the highest rate the servers kept up with, found by climbing from
/// <see cref="BenchOptions.BroadcastRate"/> in steps of <see cref="BenchOptions.BroadcastRateStep"/>, one generator run
/// (a rung) per rate against the same servers, until a rate falls behind twice running.
/// </summary>
/// <remarks>
/// A closed loop measures how fast the senders' messages come back; what a server can carry for independent senders is
/// the rate past which its backlog grows without bound. The first rung is the scenario's own run (with its warm-up); the
/// later ones start warm, so each ramps for at most <see cref="RungWarmupSeconds"/>. A rate that fell behind is run once
/// more before the climb stops: on a shared box a stall of a second in one window is not the servers' limit (one node was
/// seen to miss at 16,000 msg/s, delivering 98.9 % with a p99 of 56 ms, and keep up at 21,000 in the next hour).
/// Stateless; safe to share.
/// </remarks>
internal static class RateLadder
{
    /// <summary>A rung kept up when its members received at least this share of what was sent to them in the window.</summary>
    public const double KeptUpDeliveryRatio = 0.99;

    /// <summary>… and its p99 delivery latency was at most this (µs): a backlog growing for the whole window shows here first.</summary>
    public const double KeptUpMaxLatencyP99Micros = 1_000_000;

    /// <summary>The warm-up of every rung after the first (the rate climbs to the rung's over it), unless the options' is shorter.</summary>
    public const double RungWarmupSeconds = 15;

    /// <summary>The most rungs one climb runs (retries included), so that a step too small for the servers cannot run for hours.</summary>
    public const int MaxRungs = 40;

    /// <summary>The result of a climb.</summary>
    /// <param name="CapacityRate">The highest rate kept up (msg/s, all senders together), or null if the first rung fell behind.</param>
    /// <param name="LatencyP99Micros">The p99 delivery latency at that rate, or null.</param>
    /// <param name="Records">Every record the later rungs' generators printed.</param>
    /// <param name="Failure">Why a rung could not be measured (the generator failed), or null.</param>
    internal sealed record Outcome(int? CapacityRate, double? LatencyP99Micros, IReadOnlyList<LoadGenRecord> Records, string? Failure);

    /// <summary>
    /// The options of the climb's run <paramref name="run"/> (1 is the scenario's own), at rung <paramref name="index"/>
    /// (0 is the scenario's own rate): its rate; the scenario's warm-up for the first run only, as any later run (a higher
    /// rate, or a rate run again) finds the servers warm and ramps briefly; and a room of its own for every later run.
    /// </summary>
    /// <remarks>
    /// A rung that (nearly) fell behind leaves a backlog in the servers: in the same room, the next run's members would
    /// receive it (a sender's message 19,380 of the last run, then message 1 of this one: seen as gaps, and the servers
    /// still working off the last rate while measured at the next). In a room of its own, the old backlog goes to a room
    /// whose members have left.
    /// </remarks>
    /// <param name="options">The scenario's options (an open loop with a step).</param>
    /// <param name="index">The rung, from 0.</param>
    /// <param name="run">The run of the climb, from 1 (retries count).</param>
    /// <returns>The run's options.</returns>
    internal static BenchOptions Rung(BenchOptions options, int index, int run) => options with
    {
        BroadcastRate = options.BroadcastRate + index * options.BroadcastRateStep,
        WarmupSeconds = run == 1 ? options.WarmupSeconds : Math.Min(RungWarmupSeconds, options.WarmupSeconds),
        BroadcastRoom = run == 1 ? options.BroadcastRoom : string.Create(CultureInfo.InvariantCulture, $"{options.BroadcastRoom}-{run}"),
    };

    /// <summary>Whether a rung's servers kept up: no errors, nearly every delivery made, and a bounded p99 (see the constants).</summary>
    /// <param name="result">The rung's result record.</param>
    /// <param name="errors">The errors counted for it (lost deliveries included).</param>
    /// <returns>True when the rung kept up.</returns>
    internal static bool KeptUp(LoadGenRecord result, double errors)
    {
        ArgumentNullException.ThrowIfNull(result);
        return errors == 0
            && result.Number("delivery_ratio") is >= KeptUpDeliveryRatio
            && result.Number("latency_p99_us") is { } p99 && p99 <= KeptUpMaxLatencyP99Micros;
    }

    /// <summary>
    /// Climbs from the first rung (already run: <paramref name="first"/>) while rungs keep up, running each later rung
    /// with <paramref name="runRung"/>.
    /// </summary>
    /// <param name="options">The scenario's options (<see cref="BenchOptions.BroadcastRateStep"/> above 0).</param>
    /// <param name="first">The first rung's result (the scenario's own run).</param>
    /// <param name="runRung">Runs the generator with a rung's options against the same servers.</param>
    /// <param name="log">Where each rung's outcome is told.</param>
    /// <param name="cancellationToken">Cancels the climb.</param>
    /// <returns>What the climb found.</returns>
    internal static async Task<Outcome> ClimbAsync(
        BenchOptions options, MeasuredWindow first, Func<BenchOptions, CancellationToken, Task<MeasuredWindow>> runRung, Action<string> log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(runRung);
        ArgumentNullException.ThrowIfNull(log);
        if (options.BroadcastRate <= 0 || options.BroadcastRateStep <= 0) throw new ArgumentException("an open loop with a step", nameof(options));
        var records = new List<LoadGenRecord>();
        int? capacity = null;
        double? p99 = null;
        var window = first;
        int index = 0;
        bool retrying = false;
        for (int runs = 1; runs <= MaxRungs; runs++)
        {
            var rung = Rung(options, index, runs);
            if (runs > 1)
            {
                window = await runRung(rung, cancellationToken).ConfigureAwait(false);
                records.AddRange(window.Records);
            }

            if (window.Failure is not null || window.Result is not { } result)
            {
                return new Outcome(capacity, p99, records, $"at {rung.BroadcastRate} msg/s: {window.Failure ?? "no result"}");
            }

            double errors = BroadcastScenario.Figures(window, result)["errors"];
            bool keptUp = KeptUp(result, errors);
            log($"ladder: {rung.BroadcastRate} msg/s {(keptUp ? "kept up" : "fell behind")}{(retrying ? " on its second try" : "")} (delivered {result.Number("delivery_ratio"):0.####} of it, p99 {result.Number("latency_p99_us"):N0} µs, errors {errors})");
            if (!keptUp)
            {
                if (retrying) break;
                retrying = true;
                continue;
            }

            capacity = rung.BroadcastRate;
            p99 = result.Number("latency_p99_us");
            retrying = false;
            index++;
        }

        return new Outcome(capacity, p99, records, null);
    }
}
