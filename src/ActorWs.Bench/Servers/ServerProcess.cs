using System.Diagnostics;
using System.Net;
using ActorWs.Bench.Cli;
using ActorWs.Bench.Procfs;

namespace ActorWs.Bench.Servers;

/// <summary>
/// One server under test, started as a child process pinned to the server CPUs:
/// <c>taskset -c CPUS dotnet SERVER.dll --host 127.0.0.1 --port P</c> (see <see cref="ServerLaunch"/>). Both servers get the same
/// environment (workstation GC, Production), so neither is tuned where the other is not.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="Pid"/>, <see cref="HasExited"/> and <see cref="RecentOutput"/> may be read
/// from any thread; start, wait and stop from one caller at a time.
/// </remarks>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>The address every server binds: loopback only, the benchmark never leaves the machine.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>The readiness route both servers answer with 200 once they accept connections.</summary>
    public const string HealthPath = "/health";

    /// <summary>Lines of server output kept for error reports.</summary>
    public const int KeptOutputLines = 40;

    /// <summary>How often readiness is polled while the server starts.</summary>
    public static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one health request may take.</summary>
    public static readonly TimeSpan HealthRequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a server gets to exit after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Variables removed from the child's environment: they would add listen addresses the tool did
    /// not choose, or switch the GC mode for one server only.
    /// </summary>
    private static readonly string[] ClearedVariables =
        ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "DOTNET_gcServer", "COMPlus_gcServer"];

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly TimeProvider _time;

    private ServerProcess(ServerKind kind, int port, Process process, TimeProvider time)
    {
        Kind = kind;
        Port = port;
        _process = process;
        _time = time;
    }

    /// <summary>Which server this is.</summary>
    public ServerKind Kind { get; }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>
    /// The process id; taskset execs the server in place, so this is the server itself, whose
    /// <c>/proc</c> entries the tool reads.
    /// </summary>
    public int Pid => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the server wrote to stdout or stderr.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Starts the server on a free loopback port.</summary>
    /// <param name="kind">Which server.</param>
    /// <param name="launch">Its Release assembly and arguments.</param>
    /// <param name="cpus">The taskset CPU list to pin it to.</param>
    /// <param name="time">The clock used for readiness polling.</param>
    /// <param name="environment">Extra environment variables, set after the tool's own (so they may override them); null for none.</param>
    /// <param name="outputLine">Called with every line the server writes to stdout or stderr (from the reader threads); null for none.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">taskset or dotnet could not be started.</exception>
    public static ServerProcess Start(
        ServerKind kind, ServerLaunch launch, string cpus, TimeProvider time,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? outputLine = null)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(cpus);
        ArgumentNullException.ThrowIfNull(time);
        var port = FreePort.Pick();
        var start = new ProcessStartInfo("taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(launch.AssemblyPath)!,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(cpus);
        start.ArgumentList.Add("dotnet");
        foreach (var argument in launch.DotnetArguments(Host, port))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in ClearedVariables)
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Both servers log at Warning, so neither pays for a log line per connection (Kestrel's app sets
        // Warning itself; ActorWs reads this from its configuration).
        start.Environment["ACTORWS__LOGGING__LEVEL"] = "warning";
        start.Environment["ACTORWS__LOGGING__OVERRIDES__ActorWs.Server.Connections"] = "warning";
        // Every load connection comes from 127.0.0.1: the per-address limits (meant for many clients) would refuse them.
        start.Environment["ACTORWS__SERVER__LIMITS__CONNECTIONS_PER_ADDRESS"] = "0";
        start.Environment["ACTORWS__SERVER__LIMITS__UPGRADES_PER_SECOND"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(kind, port, process, time);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data, outputLine);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data, outputLine);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"cannot start taskset (is util-linux installed?): {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls <c>GET /health</c> until it answers 200, the process exits, or the timeout passes.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Null when healthy; otherwise why not.</returns>
    public async Task<string?> WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = HealthRequestTimeout };
        var uri = new Uri($"http://{Host}:{Port}{HealthPath}");
        var started = _time.GetTimestamp();
        string lastProblem = "no answer yet";
        while (_time.GetElapsedTime(started) < timeout)
        {
            if (_process.HasExited)
            {
                return $"{Kind} exited with code {_process.ExitCode} before it was healthy:\n{RecentOutput}";
            }

            try
            {
                using var response = await client.GetAsync(uri, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return null;
                }

                lastProblem = $"GET {HealthPath} answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                lastProblem = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProblem = $"GET {HealthPath} took longer than {HealthRequestTimeout}";
            }

            await Task.Delay(HealthPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }

        return $"{Kind} was not healthy within {timeout} ({lastProblem}):\n{RecentOutput}";
    }

    /// <summary>Sends SIGTERM, waits up to <see cref="StopGracePeriod"/>, then kills the process.</summary>
    /// <returns>Whether it exited on SIGTERM alone.</returns>
    public async Task<bool> StopAsync()
    {
        if (_process.HasExited)
        {
            return true;
        }

        LibC.SendTerminate(_process.Id);
        using var grace = new CancellationTokenSource(StopGracePeriod, _time);
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited just as the grace period ran out.
            }

            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Kills the server at once with SIGKILL (a crash: no drain, no leaving the cluster) and waits until it is gone.</summary>
    /// <param name="timeout">The longest wait for the process to be reaped.</param>
    /// <returns>Whether it was seen gone within <paramref name="timeout"/>.</returns>
    public async Task<bool> KillAsync(TimeSpan timeout)
    {
        try
        {
            // On Unix, Process.Kill sends SIGKILL; taskset exec'd the server, so this is the server itself.
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }

        using var wait = new CancellationTokenSource(timeout, _time);
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the server if it still runs and releases the process handle.</summary>
    /// <returns>Completes when the process is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private void Keep(string? line, Action<string>? outputLine)
    {
        if (line is null)
        {
            return;
        }

        outputLine?.Invoke(line);

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptOutputLines)
            {
                _output.Dequeue();
            }
        }
    }
}
