using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorWs.Bench.Cli;
using ActorWs.Bench.Scenarios;

namespace ActorWs.Bench.Reporting;

/// <summary>
/// Renders the run as JSON for tooling: machine, options, the table rows with ratios, and every
/// record the load generator printed (all its counters, not only the ones in the table).
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class JsonReport
{
    // Relaxed escaping keeps "×" and "µs" readable; the file is data for tools and people, never embedded in HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Renders the report.</summary>
    /// <param name="machine">Where and when.</param>
    /// <param name="options">How the run was configured.</param>
    /// <param name="reports">The results.</param>
    /// <returns>Indented JSON text.</returns>
    public static string Render(MachineInfo machine, BenchOptions options, IReadOnlyList<ScenarioReport> reports)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reports);
        var root = new JsonObject
        {
            ["date"] = machine.Date.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject
            {
                ["cpu_model"] = machine.CpuModel,
                ["logical_cpus"] = machine.LogicalCpus,
                ["kernel"] = machine.Kernel,
                ["runtime"] = machine.Runtime,
                ["load_average"] = machine.LoadAverage,
            },
            ["options"] = new JsonObject
            {
                ["scenarios"] = new JsonArray(options.Scenarios.Select(s => (JsonNode)ScenarioNames.Name(s)).ToArray()),
                ["servers"] = new JsonArray(options.Servers.Select(s => (JsonNode)s.ToString().ToLowerInvariant()).ToArray()),
                ["quick"] = options.Quick,
                ["warmup_s"] = options.WarmupSeconds,
                ["duration_s"] = options.DurationSeconds,
                ["settle_s"] = options.SettleSeconds,
                ["echo_connections"] = options.EchoConnections,
                ["echo_size"] = options.EchoMessageBytes,
                ["echo_depth"] = options.EchoDepth,
                ["echo_coalesce"] = options.EchoCoalesce,
                ["hold_connections"] = options.HoldConnections,
                ["connect_concurrency"] = options.ConnectConcurrency,
                ["broadcast_members"] = options.BroadcastMembers,
                ["broadcast_senders"] = options.BroadcastSenders,
                ["broadcast_rate"] = options.BroadcastRate,
                ["broadcast_rate_step"] = options.BroadcastRateStep,
                ["broadcast_size"] = options.BroadcastMessageBytes,
                ["tick_clients"] = options.TickClients,
                ["tick_hz"] = options.TickHz,
                ["tick_size"] = options.TickPayloadBytes,
                ["tick_warmup_s"] = options.TickWarmupSeconds,
                ["fairness_canaries"] = options.FairnessCanaries,
                ["fairness_size"] = options.FairnessMessageBytes,
                ["fairness_flooders"] = options.FairnessFlooders,
                ["fairness_flood_size"] = options.FairnessFloodBytes,
                ["server_cpus"] = options.ServerCpus,
                ["client_cpus"] = options.ClientCpus,
            },
            ["rows"] = new JsonArray(ResultRow.From(reports).Select(RowNode).ToArray()),
            ["runs"] = new JsonArray(reports.SelectMany(r => r.Runs.Select(run => RunNode(r, run))).ToArray()),
            ["notes"] = new JsonObject(reports.Where(r => r.Note is not null)
                .Select(r => KeyValuePair.Create(ScenarioNames.Name(r.Scenario), (JsonNode?)r.Note))),
        };
        return root.ToJsonString(Indented);
    }

    private static JsonNode RowNode(ResultRow row) => new JsonObject
    {
        ["scenario"] = row.Scenario,
        ["metric"] = row.Metric.Key,
        ["label"] = row.Metric.Label,
        ["better"] = row.Metric.Better.ToString().ToLowerInvariant(),
        ["actorws"] = row.ActorWs,
        ["kestrel"] = row.Kestrel,
        ["ratio"] = row.Ratio,
    };

    private static JsonNode RunNode(ScenarioReport report, ServerRun run)
    {
        var metrics = new JsonObject();
        foreach (var (key, value) in run.Metrics)
        {
            metrics[key] = value;
        }

        var records = new JsonArray();
        foreach (var record in run.Records)
        {
            var fields = new JsonObject();
            foreach (var (key, value) in record.Fields)
            {
                fields[key] = record.Number(key) is { } number ? JsonValue.Create(number) : JsonValue.Create(value);
            }

            records.Add(new JsonObject { ["event"] = record.Event, ["fields"] = fields });
        }

        return new JsonObject
        {
            ["scenario"] = ScenarioNames.Name(report.Scenario),
            ["server"] = run.Server.ToString().ToLowerInvariant(),
            ["failure"] = run.Failure,
            ["metrics"] = metrics,
            ["loadgen"] = records,
        };
    }
}
