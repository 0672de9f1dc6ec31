using System.Diagnostics;
using System.Text;

namespace ActorWs.Hosting.Tests.Cluster;

/// <summary>A process whose standard output and error are collected, line by line, as they come; killed (with its children) on dispose.</summary>
internal sealed class CapturedProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    private CapturedProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Everything printed so far, one <c>\n</c> after each line.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static CapturedProcess Start(string fileName, IEnumerable<string> args, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        var captured = new CapturedProcess(Process.Start(start)!);
        captured.Process.OutputDataReceived += (_, e) => captured.Append(e.Data);
        captured.Process.ErrorDataReceived += (_, e) => captured.Append(e.Data);
        captured.Process.BeginOutputReadLine();
        captured.Process.BeginErrorReadLine();
        return captured;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Append(line).Append('\n');
    }

    /// <summary>The first line <paramref name="match"/> accepts, waiting up to <paramref name="within"/>; fails if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan within)
    {
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < within)
        {
            string? line = Output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (line is not null) return line;
            if (Process.HasExited) throw new InvalidOperationException($"exited with {Process.ExitCode} first:\n{Output}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"no such line within {within}:\n{Output}");
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
