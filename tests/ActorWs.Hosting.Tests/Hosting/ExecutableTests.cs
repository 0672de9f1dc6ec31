using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary>The real executable as a process, as a supervisor (systemd) runs it.</summary>
public sealed partial class ExecutableTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _workDir = Directory.CreateTempSubdirectory("actorws-exe-").FullName;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    private const int SIGTERM = 15;

    [GeneratedRegex(@"listening on http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex ListeningLine();

    private sealed class RunningServer(Process process, StringBuilder output) : IDisposable
    {
        public Process Process { get; } = process;
        public StringBuilder Output { get; } = output;
        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    private RunningServer Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorWs.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var output = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunningServer(process, output);
    }

    private static async Task<int> WaitForPortAsync(RunningServer server)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            string text;
            lock (server.Output) text = server.Output.ToString();
            var match = ListeningLine().Match(text);
            if (match.Success) return int.Parse(match.Groups[1].Value);
            if (server.Process.HasExited) throw new InvalidOperationException("exited early:\n" + text);
            await Task.Delay(50);
        }
        throw new TimeoutException("the server never said where it listens");
    }

    private static async Task<string> WaitForLineAsync(RunningServer server, string containing)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            string text;
            lock (server.Output) text = server.Output.ToString();
            string? line = text.Split('\n').FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal));
            if (line is not null) return line.TrimEnd('\r');
            if (server.Process.HasExited) throw new InvalidOperationException("exited early:\n" + text);
            await Task.Delay(50);
        }
        throw new TimeoutException($"no line with {containing}");
    }

    [Fact]
    public async Task JsonConsoleFormat_WritesOneRenderedClefObjectPerLine()
    {
        using var server = Start("--port", "0", "--logging:console:format=json");
        string line = await WaitForLineAsync(server, "\"Url\":");
        var json = JsonDocument.Parse(line).RootElement;
        // The message reads as in the text format: no quotes around the URL and the other parts.
        Assert.StartsWith("ActorWs listening on http://127.0.0.1:", json.GetProperty("@m").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{8}$", json.GetProperty("@i").GetString()!);
        Assert.True(json.TryGetProperty("@t", out _));
        Assert.False(json.TryGetProperty("@l", out _)); // Information is implied
        Assert.Equal("ActorWs.Server", json.GetProperty("SourceContext").GetString());
        Assert.StartsWith("http://127.0.0.1:", json.GetProperty("Url").GetString(), StringComparison.Ordinal);
        Assert.Equal("epoll", json.GetProperty("Transport").GetString());
        Assert.StartsWith("built-in defaults", json.GetProperty("Configuration").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_Closes_OpenWebSockets_With1001_AndExitsZero_WithinTheDrainTimeout()
    {
        if (!OperatingSystem.IsLinux()) return; // signals are POSIX; CI runs on Linux
        using var server = Start("--port", "0", "--server:drain-timeout=5s");
        int port = await WaitForPortAsync(server);
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/echo"), new CancellationTokenSource(Wait).Token);

        var stopwatch = Stopwatch.StartNew();
        Assert.Equal(0, kill(server.Process.Id, SIGTERM));
        var buffer = new byte[256];
        var result = await client.ReceiveAsync(buffer, new CancellationTokenSource(Wait).Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(Wait).Token);

        await server.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(0, server.Process.ExitCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        // The last line says that the server is gone, and how the drain went.
        server.Process.WaitForExit(); // flush the output readers
        Assert.Matches($@"\[\d\d:\d\d:\d\d INF\] ActorWs\.Server: ActorWs stopped after drain \(0 connections aborted, drain took \d+\.\d\d s\): http://127\.0\.0\.1:{port}/ is closed", server.Output.ToString());
    }

    [Fact]
    public async Task TheStartupLine_GivesTheUrls_TheTransport_AndSaysWhenNoConfigurationFileWasFound()
    {
        // Started where there is no hocon.conf (as from src/ActorWs in a clone): the line says so, and which file it looked for.
        using var server = Start("--port", "0");
        int port = await WaitForPortAsync(server);
        string line = await WaitForLineAsync(server, "ActorWs listening on");
        string expected = $"ActorWs listening on http://127.0.0.1:{port}/ ({(OperatingSystem.IsLinux() ? "epoll" : "sockets")}) — " +
            $"WebSockets: ws://127.0.0.1:{port}/echo, /rooms/{{name}}, /ws; page /, health /health, ready /ready, metrics /metrics; " +
            $"configuration: built-in defaults ({Path.Combine(_workDir, "hocon.conf")} not found)";
        Assert.EndsWith(expected, line, StringComparison.Ordinal);
        Assert.StartsWith("[", line, StringComparison.Ordinal); // one Serilog line: [12:00:00 INF] ActorWs.Server: …
    }

    [Fact]
    public async Task TheStartupLine_NamesTheConfigFile_AndLeavesOutEndpointsThatAreOff()
    {
        // A hocon.conf in the current directory too: --config wins, and only the file read is named.
        await File.WriteAllTextAsync(Path.Combine(_workDir, "hocon.conf"), "server.port = 1\n");
        Directory.CreateDirectory(Path.Combine(_workDir, "conf"));
        string config = Path.Combine(_workDir, "conf", "quiet.conf");
        await File.WriteAllTextAsync(config, "server {\n  port = 0\n  http { status-page = off, metrics = off }\n}\n");
        using var server = Start("--config", "conf/quiet.conf");
        int port = await WaitForPortAsync(server);
        string line = await WaitForLineAsync(server, "ActorWs listening on");
        Assert.EndsWith($"/ws; health /health, ready /ready; configuration: {config}", line, StringComparison.Ordinal);
        Assert.Contains($"ActorWs listening on http://127.0.0.1:{port}/ (", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hocon.conf", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrdinaryCloses_LogNoDeadLetters_AndAkkasOwnEventsGoThroughTheSameLogger()
    {
        if (!OperatingSystem.IsLinux()) return; // signals are POSIX; CI runs on Linux
        using var server = Start("--port", "0");
        int port = await WaitForPortAsync(server);
        var token = new CancellationTokenSource(Wait).Token;
        // Rooms broadcasting to members that go away in every way: a clean close, an abort, a JSON session ended.
        var members = new List<ClientWebSocket>();
        for (int i = 0; i < 6; i++)
        {
            var member = new ClientWebSocket();
            await member.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/rooms/lobby"), token);
            members.Add(member);
        }
        using var json = new ClientWebSocket();
        await json.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), token);
        await json.SendAsync("{\"op\":\"join\",\"room\":\"lobby\"}"u8.ToArray(), WebSocketMessageType.Text, true, token);
        for (int i = 0; i < members.Count; i++)
        {
            await members[i].SendAsync(Encoding.UTF8.GetBytes("m" + i), WebSocketMessageType.Text, true, token);
            if (i % 2 == 0) members[i].Abort();
            else await members[i].CloseAsync(WebSocketCloseStatus.NormalClosure, "", token);
        }
        await json.SendAsync("{\"op\":\"end\"}"u8.ToArray(), WebSocketMessageType.Text, true, token);
        foreach (var member in members) member.Dispose();
        await Task.Delay(500); // the last deliveries reach connections that are gone

        Assert.Equal(0, kill(server.Process.Id, SIGTERM));
        await server.Process.WaitForExitAsync(token);
        string output;
        lock (server.Output) output = server.Output.ToString();
        Assert.DoesNotContain("dead letter", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("was not delivered", output, StringComparison.OrdinalIgnoreCase);
        // Akka.NET's own events (here its coordinated shutdown) come through Serilog, in the same format as ours.
        Assert.Matches(@"\[\d\d:\d\d:\d\d INF\] Akka\.[\w.]+: .*CoordinatedShutdown", output);
        Assert.Equal(0, server.Process.ExitCode);
    }

    [Fact]
    public async Task ABadConfigFile_StopsTheStart_WithFileLineAndKey_AndExitCode2()
    {
        string config = Path.Combine(_workDir, "bad.conf");
        await File.WriteAllTextAsync(config, "server {\n  host = \"127.0.0.1\"\n  port = \"80a\"\n}\n");
        using var server = Start("--config", config);
        await server.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(2, server.Process.ExitCode);
        server.Process.WaitForExit(); // flush the output readers
        Assert.Contains($"server.port at {config}:3: expected an integer 0–65535, got \"80a\"", server.Output.ToString());
    }

    [Fact]
    public async Task UnknownSwitchesAndSettings_StopTheStart_AllReportedTogether_AndExitCode2()
    {
        string config = Path.Combine(_workDir, "typo.conf");
        await File.WriteAllTextAsync(config, "server {\n  http {\n    kepe-alive = false\n  }\n}\n");
        using var server = Start("--config", config, "--prot", "9000", "--server:prot=9000");
        await server.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(2, server.Process.ExitCode);
        server.Process.WaitForExit(); // flush the output readers
        string output = server.Output.ToString();
        Assert.Contains("ActorWs: bad configuration:", output);
        Assert.Contains("command-line argument --prot 9000: unknown switch; did you mean --port 9000? (known switches: --port, --host, --config, --cluster-host, --cluster-port, --cluster-seed (repeatable), and --<setting>=<value> for any setting, such as --server:port=9000)", output);
        Assert.Contains("server.prot at command-line argument --server:prot=9000: unknown setting; did you mean server.port?", output);
        Assert.Contains($"server.http.kepe-alive at {config}:3: unknown setting; did you mean server.http.keep-alive?", output);
        Assert.DoesNotContain("listening", output);
    }

    [Fact]
    public async Task APortInUse_IsReportedInOneLine_AndNothingElse_AndExitCode1()
    {
        using var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen();
        int port = ((IPEndPoint)blocker.LocalEndPoint!).Port;
        using var server = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await server.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(1, server.Process.ExitCode);
        server.Process.WaitForExit();
        string output = server.Output.ToString();
        Assert.Contains($"ActorWs: cannot start: port {port} in use on 127.0.0.1 (use --port N for another port)", output);
        AssertNoStackTrace(output);
        // That line and nothing else: no log line before it (a critical one saying the same, Akka.NET's "Exiting with
        // [ExitCode:0]" from the shutdown that follows).
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        Assert.Equal([$"ActorWs: cannot start: port {port} in use on 127.0.0.1 (use --port N for another port)"], lines);
    }

    [Fact]
    public async Task AnAkkaSettingAkkaRefuses_IsABadConfiguration_InOneLine_AndExitCode2()
    {
        // Well-formed for our checks (an assembly-qualified type name), refused by Akka.NET as the actor system is made.
        using var server = Start("--port", "0", "--akka:actor:provider=System.Object, System.Private.CoreLib");
        await server.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(2, server.Process.ExitCode);
        server.Process.WaitForExit();
        string output = server.Output.ToString();
        Assert.Contains("ActorWs: bad configuration:\nakka: 'akka.actor.provider' is not a valid actor ref provider: 'System.Object, System.Private.CoreLib'", output.ReplaceLineEndings("\n"));
        AssertNoStackTrace(output);
        Assert.DoesNotContain("listening", output);
    }

    /// <summary>The one-line errors are the whole story: no exception was left to the runtime or the host to print.</summary>
    private static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output);
    }

    public void Dispose() => Directory.Delete(_workDir, recursive: true);
}
