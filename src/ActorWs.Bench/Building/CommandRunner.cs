using System.Diagnostics;
using System.Text;

namespace ActorWs.Bench.Building;

/// <summary>Runs a build command to completion with a time limit, capturing its output.</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class CommandRunner
{
    /// <summary>Characters of output kept for error reports (the tail, where compilers put the summary).</summary>
    public const int KeptOutputChars = 8_000;

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/>. Never throws for a failing
    /// command: a missing executable, a non-zero exit or the time limit are reported in the result.
    /// </summary>
    /// <param name="fileName">The executable.</param>
    /// <param name="arguments">Its arguments, passed without shell interpretation.</param>
    /// <param name="workingDirectory">The working directory.</param>
    /// <param name="timeout">How long the command may run before it is killed.</param>
    /// <param name="cancellationToken">Cancels the run (the command is killed).</param>
    /// <returns>What happened.</returns>
    public static async Task<CommandResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new CommandResult(-1, $"cannot start '{fileName}': {ex.Message}", TimedOut: false);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It finished just as the limit ran out.
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return new CommandResult(-1, Tail(output), TimedOut: !cancellationToken.IsCancellationRequested);
        }

        return new CommandResult(process.ExitCode, Tail(output), TimedOut: false);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
            if (output.Length > 4 * KeptOutputChars)
            {
                output.Remove(0, output.Length - KeptOutputChars);
            }
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString();
            return text.Length <= KeptOutputChars ? text : text[^KeptOutputChars..];
        }
    }
}

/// <summary>How a command ended.</summary>
/// <param name="ExitCode">The exit status; -1 when it could not start, timed out or was cancelled.</param>
/// <param name="Output">The tail of its combined stdout and stderr.</param>
/// <param name="TimedOut">True when the time limit killed it.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record CommandResult(int ExitCode, string Output, bool TimedOut)
{
    /// <summary>True when the command exited with status 0.</summary>
    public bool Succeeded => ExitCode == 0;
}
