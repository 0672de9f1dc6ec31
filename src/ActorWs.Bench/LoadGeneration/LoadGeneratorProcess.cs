using System.Diagnostics;

namespace ActorWs.Bench.LoadGeneration;

/// <summary>
/// The C load generator running as a child process pinned to the client CPUs. Its stdout is read
/// as <see cref="LoadGenRecord"/>s, its stdin carries "continue" lines for the hold scenario, and
/// its stderr (progress and error descriptions) is forwarded to a callback.
/// </summary>
/// <remarks>
/// Thread-safety: one reader and one writer at a time; <see cref="DisposeAsync"/> once, after use.
/// </remarks>
public sealed class LoadGeneratorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private LoadGeneratorProcess(Process process) => _process = process;

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Starts <c>taskset -c CPUS loadgen ARGS...</c>.</summary>
    /// <param name="executable">The compiled load generator.</param>
    /// <param name="cpus">The taskset CPU list.</param>
    /// <param name="arguments">Mode and options.</param>
    /// <param name="onDiagnostic">Receives each stderr line.</param>
    /// <returns>The running generator.</returns>
    /// <exception cref="InvalidOperationException">taskset could not be started.</exception>
    public static LoadGeneratorProcess Start(string executable, string cpus, IReadOnlyList<string> arguments, Action<string> onDiagnostic)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(onDiagnostic);
        var start = new ProcessStartInfo("taskset")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(cpus);
        start.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onDiagnostic(e.Data);
            }
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"cannot start taskset (is util-linux installed?): {ex.Message}", ex);
        }

        process.BeginErrorReadLine();
        return new LoadGeneratorProcess(process);
    }

    /// <summary>The next non-blank stdout line as a record, or <see langword="null"/> when stdout has ended.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The record or null.</returns>
    public async Task<LoadGenRecord?> ReadRecordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            if (LoadGenRecord.Parse(line) is { } record)
            {
                return record;
            }
        }
    }

    /// <summary>Tells a waiting hold run to continue.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Completes when the line is flushed.</returns>
    public async Task ContinueAsync(CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync("continue".AsMemory(), cancellationToken).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the generator to exit and returns its exit code.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Kills the generator if it still runs and releases the handle.</summary>
    /// <returns>Completes when the process is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        _process.Dispose();
    }
}
