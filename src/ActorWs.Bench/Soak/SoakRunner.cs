using System.Globalization;
using System.Net.WebSockets;
using ActorWs.Bench.Building;
using ActorWs.Bench.Cli;
using ActorWs.Bench.Servers;

namespace ActorWs.Bench.Soak;

/// <summary>
/// Runs a soak: starts the ActorWs server (with the chaos hooks when faults are injected), opens the mix of clients, injects
/// faults, samples the server, then stops the clients, waits for the server to drain, checks and reports.
/// </summary>
/// <remarks>Not thread-safe: one run at a time per instance.</remarks>
public sealed class SoakRunner
{
    /// <summary>Exit code: every check passed.</summary>
    public const int ExitPassed = 0;

    /// <summary>Exit code: some check failed (see the report).</summary>
    public const int ExitFailed = 1;

    /// <summary>Exit code: the soak could not run (no repository, the build failed, the server did not start).</summary>
    public const int ExitSetupFailed = 3;

    /// <summary>Members per chat room the clients aim at.</summary>
    public const int MembersPerChatRoom = 25;

    /// <summary>How long the stopped clients get to close.</summary>
    public static readonly TimeSpan ClientStopTimeout = TimeSpan.FromSeconds(60);

    private readonly TextWriter _console;
    private readonly TimeProvider _time;

    /// <summary>Creates a runner.</summary>
    /// <param name="console">Where progress and the report are printed.</param>
    /// <param name="time">The clock.</param>
    public SoakRunner(TextWriter console, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(time);
        _console = console;
        _time = time;
    }

    /// <summary>Runs the soak and writes soak.md and soak.json.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="cancellationToken">Ends the load early (the run is still checked and reported).</param>
    /// <returns>The result, or null when the soak could not run (the reason was printed).</returns>
    public async Task<SoakResult?> RunAsync(SoakOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = RepositoryLayout.Locate(options.RepositoryRoot, options.ActorWsProject);
        var output = options.OutputDirectory is { } dir ? Path.GetFullPath(dir) : layout?.DefaultOutputDirectory;
        if (output is null)
        {
            _console.WriteLine($"error: no {RepositoryLayout.SolutionFileName} found; pass --repo or --output");
            return null;
        }

        var assembly = options.ServerAssembly;
        if (assembly is null)
        {
            if (layout is null)
            {
                _console.WriteLine($"error: no {RepositoryLayout.SolutionFileName} found; pass --repo");
                return null;
            }

            _console.WriteLine(options.BuildServer ? "building ActorWs (Release)..." : "checking the ActorWs build...");
            var build = await ServerBuilder.BuildAsync(layout, ServerKind.ActorWs, options.BuildServer, cancellationToken).ConfigureAwait(false);
            if (!build.Succeeded)
            {
                _console.WriteLine($"error: {build.Message}");
                return null;
            }

            assembly = build.Message;
        }

        var log = new ServerLogScanner();
        var environment = new Dictionary<string, string>
        {
            // Every client comes from 127.0.0.1, where a real deployment has one address per client: the per-address resume
            // limit would refuse the soak's resumes (connections per address and upgrades per second are already off).
            ["ACTORWS__SERVER__WEBSOCKET__RESUME_ATTEMPTS_PER_SECOND"] = "0",
            // Set, not assumed: the clients tell a resume refused after the window (late, expected) from one refused within it.
            ["ACTORWS__SERVER__ROOMS__RECONNECTION_WINDOW"] = string.Create(CultureInfo.InvariantCulture, $"{options.ReconnectionWindow.TotalMilliseconds:0}ms"),
        };
        if (options.FaultsPerMinute > 0)
        {
            environment["ACTORWS_SOAK_CHAOS"] = "1";
        }

        // Everything the server writes is kept in soak-server.log too (the report quotes only errors and counts warnings).
        Directory.CreateDirectory(output);
        using var serverLog = new StreamWriter(Path.Combine(output, "soak-server.log"), append: false) { AutoFlush = true };
        void OnServerLine(string line)
        {
            log.Feed(line);
            lock (serverLog)
            {
                try
                {
                    serverLog.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    // A last line after the run was reported: the scanner has it, the file is closed.
                }
            }
        }

        ServerProcess server;
        try
        {
            server = ServerProcess.Start(ServerKind.ActorWs, ServerLaunch.Plain(assembly), options.ServerCpus, _time, environment, OnServerLine);
        }
        catch (InvalidOperationException ex)
        {
            _console.WriteLine($"error: {ex.Message}");
            return null;
        }

        await using (server.ConfigureAwait(false))
        {
            _console.WriteLine($"[soak] server pid {server.Pid} on port {server.Port}, waiting for GET {ServerProcess.HealthPath}");
            var unhealthy = await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(options.StartupTimeoutSeconds), cancellationToken).ConfigureAwait(false);
            if (unhealthy is not null)
            {
                _console.WriteLine($"error: {unhealthy}");
                return null;
            }

            SoakResult result;
            try
            {
                result = await LoadAsync(options, server, log, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException ex)
            {
                _console.WriteLine($"error: the warm-up connections failed, the server does not serve WebSockets: {ex.Message}\n{server.RecentOutput}");
                return null;
            }

            var markdown = SoakReport.Markdown(result);
            _console.WriteLine();
            _console.WriteLine(markdown);
            await File.WriteAllTextAsync(Path.Combine(output, "soak.md"), markdown, CancellationToken.None).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(output, "soak.json"), SoakReport.Json(result), CancellationToken.None).ConfigureAwait(false);
            _console.WriteLine($"written: {Path.Combine(output, "soak.md")}, soak.json and soak-server.log");
            return result;
        }
    }

    private async Task<SoakResult> LoadAsync(SoakOptions options, ServerProcess server, ServerLogScanner log, CancellationToken cancellationToken)
    {
        using var metricsHandler = new SocketsHttpHandler { UseProxy = false };
        using var metricsClient = new HttpClient(metricsHandler) { Timeout = TimeSpan.FromSeconds(5) };
        var metricsUri = new Uri($"http://{ServerProcess.Host}:{server.Port}/metrics");
        async Task<string?> ScrapeAsync()
        {
            try
            {
                return await metricsClient.GetStringAsync(metricsUri, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }

        // The sampler's keep-alive connection is open before the baseline, so it is in both the first and the last count; and
        // one connection on each WebSocket route has come and gone, so whatever the server sets up once, lazily, is too.
        await ScrapeAsync().ConfigureAwait(false);
        await WarmUpAsync(server.Port, options.FaultsPerMinute > 0, cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
        // The clients keep off the server's CPUs, as the benchmark's load generator does, so the server does not share its
        // core with the load it serves (other processes on the machine still may).
        var clientCpus = options.ResolveClientCpus(Environment.ProcessorCount);
        if (clientCpus.Count > 0)
        {
            var pinned = Procfs.LibC.PinCurrentProcess(clientCpus);
            _console.WriteLine($"[soak] clients pinned to CPU {string.Join(",", clientCpus)} ({pinned} threads)");
        }

        var slots = SoakPlan.Assign(options.Connections, options.Mix, options.Seed);
        var slotCounts = Enum.GetValues<SoakClientKind>().ToDictionary(k => k, k => slots.Count(s => s == k));
        var chatRooms = Math.Max(1, (slotCounts[SoakClientKind.Room] + slotCounts[SoakClientKind.Vanisher]) / MembersPerChatRoom);
        _console.WriteLine($"[soak] seed {options.Seed}: {options.Connections} connections ("
            + string.Join(", ", slotCounts.Where(p => p.Value > 0).Select(p => $"{SoakOptionsParser.Name(p.Key)} {p.Value}"))
            + $") for {options.Duration}, {chatRooms} chat rooms, {options.FaultsPerMinute} faults/min");

        var started = _time.GetTimestamp();
        double Elapsed() => _time.GetElapsedTime(started).TotalSeconds;
        var waits = new Procfs.RunQueueWaitTracker();
        var samples = new List<ServerSample> { ServerSample.Read(server.Pid, 0, await ScrapeAsync().ConfigureAwait(false), waits) };
        var baselineKinds = ServerSample.ReadDescriptorKinds(server.Pid);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var context = new SoakContext(server.Port, options.Seed, options.ConnectConcurrency, chatRooms, stop.Token) { ReconnectionWindow = options.ReconnectionWindow };
        var roomClients = new List<RoomClient>();
        var clients = new List<Task>();
        for (var slot = 0; slot < slots.Length; slot++)
        {
            var s = slot;
            switch (slots[slot])
            {
                case SoakClientKind.Room:
                    var client = new RoomClient(context, s, chaos: options.FaultsPerMinute > 0);
                    roomClients.Add(client);
                    clients.Add(Task.Run(client.RunAsync, CancellationToken.None));
                    break;
                case SoakClientKind.Echo:
                    clients.Add(Task.Run(() => SimpleClients.EchoAsync(context, s), CancellationToken.None));
                    break;
                case SoakClientKind.SlowReader:
                    clients.Add(Task.Run(() => SimpleClients.SlowReaderAsync(context, s), CancellationToken.None));
                    break;
                case SoakClientKind.Flood:
                    clients.Add(Task.Run(() => SimpleClients.FloodAsync(context, s), CancellationToken.None));
                    break;
                case SoakClientKind.Vanisher:
                    clients.Add(Task.Run(() => SimpleClients.VanisherAsync(context, s), CancellationToken.None));
                    break;
                default:
                    var kind = slots[slot];
                    clients.Add(Task.Run(() => SimpleClients.RawAbuseAsync(context, s, kind), CancellationToken.None));
                    break;
            }
        }

        var injecting = Task.Run(() => InjectFaultsAsync(options, context, roomClients), CancellationToken.None);
        var nextReport = TimeSpan.FromSeconds(30);
        var reported = samples[0];
        using (var tick = new PeriodicTimer(options.SampleInterval, _time))
        {
            try
            {
                while (Elapsed() < options.Duration.TotalSeconds && await tick.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    var sample = ServerSample.Read(server.Pid, Elapsed(), await ScrapeAsync().ConfigureAwait(false), waits);
                    samples.Add(sample);
                    if (server.HasExited)
                    {
                        _console.WriteLine($"[soak] the server exited with code {server.ExitCode} during the load");
                        break;
                    }

                    if (_time.GetElapsedTime(started) >= nextReport)
                    {
                        nextReport += TimeSpan.FromSeconds(30);
                        var problems = context.Counters.AllProblems;
                        var kinds = problems.Count == 0 ? "" : $" ({string.Join(", ", problems.Select(p => $"{p.Kind} {p.Count}"))})";
                        var cpu = sample.CpuSeconds - reported.CpuSeconds;
                        var waited = sample.RunQueueWaitSeconds - reported.RunQueueWaitSeconds;
                        var interval = sample.Seconds - reported.Seconds;
                        reported = sample;
                        _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"[soak] {sample.Seconds:0} s: RSS {sample.RssKib / 1024.0:0.0} MiB, GC heap {sample.GcHeapKib / 1024:0.0} MiB, {sample.Descriptors} fds, {sample.Threads} threads, {sample.Metrics.GetValueOrDefault("actorws_connections_open"):0} open, {context.Counters.Get("room.deliveries_checked") + context.Counters.Get("echo.messages_checked")} messages checked, {context.Counters.Get("room.resumes")} resumes ({context.Counters.Get("room.resumes_refused_late")} late), handshake max {context.Counters.Get("connect.handshake_ms_max")} ms, server CPU {cpu:0.0} s and waited {waited:0.0} s for a CPU in {interval:0} s, {problems.Sum(p => p.Count)} problems{kinds}"));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                _console.WriteLine("[soak] cancelled: stopping the clients and reporting what ran");
            }
        }

        var loadDuration = _time.GetElapsedTime(started);
        _console.WriteLine("[soak] stopping the clients...");
        stop.Cancel();
        try
        {
            await Task.WhenAll(clients.Append(injecting)).WaitAsync(ClientStopTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            context.Counters.Problem("client_stuck", $"{clients.Count(c => !c.IsCompleted)} clients had not stopped {ClientStopTimeout.TotalSeconds:0} s after the load ended");
        }
        catch (Exception) when (clients.Any(c => c.IsFaulted))
        {
            // Reported client by client below.
        }

        foreach (var failed in clients.Where(c => c.IsFaulted))
        {
            context.Counters.Problem("client_crashed", failed.Exception!.InnerException!.ToString());
        }

        _console.WriteLine("[soak] waiting for the server to drain (descriptors back to the baseline, no session left)...");
        var baseline = samples[0];
        var (final, finalKinds) = await DrainAsync(options, server, baseline, baselineKinds, Elapsed, ScrapeAsync, waits).ConfigureAwait(false);
        var graceful = await server.StopAsync().ConfigureAwait(false);
        // The output readers may still hold the last lines for a moment after the exit.
        await Task.Delay(TimeSpan.FromMilliseconds(200), _time, CancellationToken.None).ConfigureAwait(false);
        log.Complete();

        var (rssTrend, heapTrend) = SoakChecks.Trends(samples, options);
        var result = new SoakResult
        {
            Options = options,
            StartedAt = _time.GetUtcNow() - loadDuration,
            LoadDuration = loadDuration,
            Slots = slotCounts,
            Counters = context.Counters,
            Samples = samples,
            Final = final,
            BaselineDescriptorKinds = baselineKinds,
            FinalDescriptorKinds = finalKinds,
            RssTrend = rssTrend,
            GcHeapTrend = heapTrend,
            Log = log,
            ServerExitCode = graceful ? server.ExitCode : null,
            Checks = [],
        };
        return result with { Checks = SoakChecks.Evaluate(result) };
    }

    /// <summary>
    /// Takes each path the load will take once before the baseline is read: a connection to each route and, with the chaos
    /// hooks, one killed session and one failed room. The first exception the server logs makes the runtime open the
    /// assemblies and symbol files it needs for stack traces, and what is opened once, lazily, is not a leak.
    /// </summary>
    private static async Task WarmUpAsync(int port, bool chaos, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SoakContext.AnswerTimeout);
        foreach (var path in new[] { "/echo", "/ws" })
        {
            using var socket = await OpenAsync(port, path, timeout.Token).ConfigureAwait(false);
            await SendTextAsync(socket, """{"op":"ping","ref":1}""", timeout.Token).ConfigureAwait(false);
            // The answer (the echo; the welcome then the ping's reply) is read by the close, which waits for the server's close.
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "warm-up done", timeout.Token).ConfigureAwait(false);
        }

        if (!chaos)
        {
            return;
        }

        using (var victim = await OpenAsync(port, "/soak/ws", timeout.Token).ConfigureAwait(false))
        {
            await SendTextAsync(victim, """{"op":"soak-crash"}""", timeout.Token).ConfigureAwait(false);
            var reader = new WsMessages(victim);
            while ((await reader.ReceiveAsync(timeout.Token).ConfigureAwait(false)).Type != WebSocketMessageType.Close)
            {
            }
        }

        using var member = await OpenAsync(port, "/ws", timeout.Token).ConfigureAwait(false);
        var replies = new WsMessages(member);
        await SendTextAsync(member, """{"op":"joinOrCreate","type":"chaos","ref":1}""", timeout.Token).ConfigureAwait(false);
        var room = "";
        while (room.Length == 0)
        {
            var (_, bytes) = await replies.ReceiveAsync(timeout.Token).ConfigureAwait(false);
            using var json = System.Text.Json.JsonDocument.Parse(bytes);
            if (json.RootElement.TryGetProperty("ref", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.Number && r.GetInt32() == 1)
            {
                room = json.RootElement.GetProperty("room").GetString() ?? throw new WebSocketException("joinOrCreate chaos was not answered with a room");
            }
        }

        await SendTextAsync(member, $$"""{"op":"send","room":"{{room}}","data":"boom","ref":2}""", timeout.Token).ConfigureAwait(false);
        await member.CloseAsync(WebSocketCloseStatus.NormalClosure, "warm-up done", timeout.Token).ConfigureAwait(false);
    }

    private static async Task<ClientWebSocket> OpenAsync(int port, string path, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{ServerProcess.Host}:{port}{path}"), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Task SendTextAsync(ClientWebSocket socket, string text, CancellationToken cancellationToken) =>
        socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    private async Task<(ServerSample Sample, IReadOnlyDictionary<string, int> Kinds)> DrainAsync(
        SoakOptions options, ServerProcess server, ServerSample baseline, IReadOnlyDictionary<string, int> baselineKinds,
        Func<double> elapsed, Func<Task<string?>> scrape, Procfs.RunQueueWaitTracker waits)
    {
        var deadline = _time.GetTimestamp();
        while (true)
        {
            var sample = ServerSample.Read(server.Pid, elapsed(), await scrape().ConfigureAwait(false), waits);
            var kinds = ServerSample.ReadDescriptorKinds(server.Pid);
            if (SoakChecks.Drained(sample, kinds, baseline, baselineKinds) || _time.GetElapsedTime(deadline) >= options.DrainTimeout || server.HasExited)
            {
                return (sample, kinds);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task InjectFaultsAsync(SoakOptions options, SoakContext context, IReadOnlyList<RoomClient> roomClients)
    {
        if (options.FaultsPerMinute <= 0 || roomClients.Count == 0)
        {
            return;
        }

        // Its own generator, from the seed: the plan of faults does not depend on how the clients' timings interleave.
        var random = new Random(unchecked(options.Seed ^ 0x5EED));
        var meanSeconds = 60 / options.FaultsPerMinute;
        // Nothing before the clients have had time to join.
        if (!await context.DelayAsync(TimeSpan.FromSeconds(Math.Min(5, options.Duration.TotalSeconds / 4))).ConfigureAwait(false))
        {
            return;
        }

        while (await context.DelayAsync(TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) * meanSeconds)).ConfigureAwait(false))
        {
            var fault = random.Next(2) == 0 ? SoakFault.KillSession : SoakFault.FailRoom;
            var candidates = roomClients.Where(c => fault == SoakFault.KillSession ? c.CanKillSession : c.CanFailRoom).ToList();
            if (candidates.Count > 0 && candidates[random.Next(candidates.Count)].Request(fault))
            {
                context.Counters.Add(fault == SoakFault.KillSession ? "faults.session_kills_requested" : "faults.room_failures_requested");
            }
            else
            {
                context.Counters.Add("faults.skipped");
            }
        }
    }
}
