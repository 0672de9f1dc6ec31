using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorWs.Samples.Tests;

/// <summary>Each sample as a process, as a person runs it: what it prints on the console from start to stop.</summary>
public sealed partial class SampleProcessTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _workDir = Directory.CreateTempSubdirectory("actorws-sample-").FullName;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    private const int SIGTERM = 15;

    /// <summary>Serilog's one line per event, the server's format: <c>[12:00:00 INF] ActorWs.Server: …</c>.</summary>
    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d (VRB|DBG|INF|WRN|ERR|FTL)\] [\w.]+: ")]
    private static partial Regex OneLineEvent();

    /// <summary>The samples, by the name of their assembly and configuration file.</summary>
    public static TheoryData<string, string> Samples => new() { { "Arena", "arena" }, { "Chat", "chat" }, { "Embedded", "embedded" } };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task EverySample_LogsInTheServersOneLineFormat_NamesItsConfiguration_AndSaysWhenItHasStopped(string assembly, string name)
    {
        if (!OperatingSystem.IsLinux()) return; // SIGTERM is POSIX; CI runs on Linux
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        try
        {
            process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            string listening = await WaitForLineAsync(process, output, "ActorWs listening on");
            string config = Path.Combine(AppContext.BaseDirectory, name + ".conf");
            Assert.Matches(
                $@"^\[\d\d:\d\d:\d\d INF\] ActorWs\.Server: ActorWs listening on http://127\.0\.0\.1:\d+/ \((epoll|sockets)\) — WebSockets: ws://127\.0\.0\.1:\d+/.+; page /, health /health, ready /ready, metrics /metrics; configuration: {Regex.Escape(config)}$",
                listening);

            Assert.Equal(0, kill(process.Id, SIGTERM));
            using (var exit = new CancellationTokenSource(Wait)) await process.WaitForExitAsync(exit.Token);
            process.WaitForExit(); // flush the output readers
            Assert.Equal(0, process.ExitCode);

            string text;
            lock (output) text = output.ToString();
            var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
            // One format from start to stop: no "info: ActorWs.Server[0]" with the message on a second, indented line.
            Assert.All(lines, line => Assert.Matches(OneLineEvent(), line));
            Assert.Contains(lines, l => l.Contains("] ActorWs.Server: ActorWs stopped after drain (0 connections aborted", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task EverySample_GivenABadPort_SaysSoInItsConfigurationError_AndExitsWith2(string assembly, string name)
    {
        _ = name;
        var (exitCode, lines) = await RunToExitAsync(assembly, "--port", "99999");
        // The error and where the setting came from; no unhandled exception (it aborted with 134 and 56 lines once).
        Assert.Equal(
            [$"{assembly}: bad configuration:", "server.port at command-line argument --port 99999: expected an integer 0–65535, got \"99999\""],
            lines);
        Assert.Equal(2, exitCode);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task EverySample_WithItsPortInUse_SaysSoInOneLine_AndNothingElse_AndExitsWith1(string assembly, string name)
    {
        _ = name;
        using var blocker = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        blocker.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        blocker.Listen();
        int port = ((System.Net.IPEndPoint)blocker.LocalEndPoint!).Port;
        var (exitCode, lines) = await RunToExitAsync(assembly, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // No log line before it either: not a critical line saying the same, nor Akka.NET's "Exiting with [ExitCode:0]".
        Assert.Equal([$"{assembly}: cannot start: port {port} in use on 127.0.0.1"], lines);
        Assert.Equal(1, exitCode);
    }

    /// <summary>Runs a sample that is expected to stop by itself; its exit code and every non-empty line it printed.</summary>
    private async Task<(int ExitCode, string[] Lines)> RunToExitAsync(string assembly, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        try
        {
            process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using (var exit = new CancellationTokenSource(Wait)) await process.WaitForExitAsync(exit.Token);
            process.WaitForExit(); // flush the output readers
            string text;
            lock (output) text = output.ToString();
            return (process.ExitCode, text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static async Task<string> WaitForLineAsync(Process process, StringBuilder output, string containing)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            string text;
            lock (output) text = output.ToString();
            string? line = text.Split('\n').FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal));
            if (line is not null) return line.TrimEnd('\r');
            if (process.HasExited) throw new InvalidOperationException("exited early:\n" + text);
            await Task.Delay(50);
        }
        string all;
        lock (output) all = output.ToString();
        throw new TimeoutException($"no line with \"{containing}\" within {Wait}:\n{all}");
    }

    public void Dispose() => Directory.Delete(_workDir, recursive: true);
}
