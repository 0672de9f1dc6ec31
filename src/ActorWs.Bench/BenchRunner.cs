using ActorWs.Bench.Building;
using ActorWs.Bench.Cli;
using ActorWs.Bench.Reporting;
using ActorWs.Bench.Scenarios;
using ActorWs.Bench.Servers;

namespace ActorWs.Bench;

/// <summary>
/// Runs a whole benchmark: builds the load generator and the servers, runs every scenario against
/// every server (a fresh server process each time), prints the table and writes the results files.
/// </summary>
/// <remarks>Not thread-safe: one run at a time per instance.</remarks>
public sealed class BenchRunner
{
    /// <summary>Exit code: every run produced figures.</summary>
    public const int ExitSucceeded = 0;

    /// <summary>Exit code: at least one run failed (see the Failures section); the others were still reported.</summary>
    public const int ExitSomeRunsFailed = 1;

    /// <summary>Exit code: nothing could be measured (no repository, load generator did not build).</summary>
    public const int ExitSetupFailed = 3;

    private readonly TextWriter _console;
    private readonly TimeProvider _time;

    /// <summary>Creates a runner.</summary>
    /// <param name="console">Where progress and the table are printed.</param>
    /// <param name="time">The clock for delays, limits and the report date.</param>
    public BenchRunner(TextWriter console, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(time);
        _console = console;
        _time = time;
    }

    /// <summary>Runs the benchmark described by <paramref name="options"/>.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="cancellationToken">Stops the run (Ctrl+C); servers and generators are stopped.</param>
    /// <returns>One of the <c>Exit*</c> codes.</returns>
    public async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = RepositoryLayout.Locate(options.RepositoryRoot, options.ActorWsProject);
        if (layout is null)
        {
            _console.WriteLine($"error: no {RepositoryLayout.SolutionFileName} found{(options.RepositoryRoot is null ? " above the current directory; pass --repo" : $" in {options.RepositoryRoot}")}");
            return ExitSetupFailed;
        }

        var machine = MachineInfo.Collect(_time);
        _console.WriteLine($"machine: {machine.Summary()}");

        _console.WriteLine("building the load generator (gcc) and running its self-test...");
        var generator = await LoadGeneratorBuilder.BuildAsync(layout, cancellationToken).ConfigureAwait(false);
        if (!generator.Succeeded)
        {
            _console.WriteLine($"error: {generator.Message}");
            return ExitSetupFailed;
        }

        var assemblies = new Dictionary<ServerKind, BuildOutcome>();
        foreach (var server in options.Servers)
        {
            _console.WriteLine(options.BuildServers ? $"building {server} (Release)..." : $"checking {server} build...");
            var outcome = await ServerBuilder.BuildAsync(layout, server, options.BuildServers, cancellationToken).ConfigureAwait(false);
            assemblies[server] = outcome;
            if (!outcome.Succeeded)
            {
                _console.WriteLine($"error: {outcome.Message}");
            }
        }

        if (options.Scenarios.Contains(ScenarioKind.Tick) && TickScenario.BuildWarning() is { } warning)
        {
            _console.WriteLine(warning);
        }

        var reports = new List<ScenarioReport>();
        foreach (var kind in options.Scenarios)
        {
            var scenario = Scenario.For(kind);
            var runs = new List<ServerRun>();
            foreach (var server in options.Servers)
            {
                if (!scenario.Supports(server))
                {
                    _console.WriteLine($"[{ScenarioNames.Name(kind)} / {server}] not applicable: the column stays empty (see the note under the table)");
                    continue;
                }

                var build = assemblies[server];
                var run = build.Succeeded || !scenario.UsesServerBuild
                    ? await RunOneAsync(scenario, server, scenario.Launch(server, build.Message, options), options, generator.Message, cancellationToken)
                        .ConfigureAwait(false)
                    : ServerRun.Failed(server, build.Message);
                runs.Add(run);
            }

            reports.Add(new ScenarioReport(kind, scenario.Describe(options), scenario.Metrics, runs, scenario.Note));
        }

        var markdown = MarkdownReport.Render(machine, options, reports);
        _console.WriteLine();
        _console.WriteLine(markdown);
        var output = options.OutputDirectory is { } dir ? Path.GetFullPath(dir) : layout.DefaultOutputDirectory;
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "results.md"), markdown, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(output, "results.json"), JsonReport.Render(machine, options, reports), cancellationToken)
            .ConfigureAwait(false);
        _console.WriteLine($"written: {Path.Combine(output, "results.md")} and results.json");
        return reports.Any(r => r.Runs.Any(run => run.Failure is not null)) ? ExitSomeRunsFailed : ExitSucceeded;
    }

    private async Task<ServerRun> RunOneAsync(
        Scenario scenario, ServerKind server, ServerLaunch launch, BenchOptions options, string loadGenerator, CancellationToken cancellationToken)
    {
        var tag = $"[{ScenarioNames.Name(scenario.Kind)} / {server}]";
        ServerProcess process;
        try
        {
            process = ServerProcess.Start(server, launch, options.ServerCpus, _time);
        }
        catch (InvalidOperationException ex)
        {
            _console.WriteLine($"{tag} {ex.Message}");
            return ServerRun.Failed(server, ex.Message);
        }

        await using (process.ConfigureAwait(false))
        {
            _console.WriteLine($"{tag} started pid {process.Pid} on port {process.Port}, waiting for GET {ServerProcess.HealthPath}");
            var unhealthy = await process.WaitUntilHealthyAsync(TimeSpan.FromSeconds(options.StartupTimeoutSeconds), cancellationToken)
                .ConfigureAwait(false);
            if (unhealthy is not null)
            {
                _console.WriteLine($"{tag} {unhealthy}");
                return ServerRun.Failed(server, unhealthy);
            }

            _console.WriteLine($"{tag} {scenario.Describe(options)}");
            var context = new ScenarioContext(options, process, loadGenerator, _time, line => _console.WriteLine($"{tag} {line}"))
            {
                ServerAssembly = launch.AssemblyPath,
            };
            ServerRun run;
            try
            {
                run = await scenario.RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                // The load generator could not be started (taskset missing, binary gone).
                run = ServerRun.Failed(server, ex.Message);
            }

            var graceful = await process.StopAsync().ConfigureAwait(false);
            if (!graceful)
            {
                _console.WriteLine($"{tag} did not exit within {ServerProcess.StopGracePeriod} of SIGTERM and was killed");
            }

            if (run.Failure is not null)
            {
                _console.WriteLine($"{tag} failed: {run.Failure}");
            }

            return run;
        }
    }
}
