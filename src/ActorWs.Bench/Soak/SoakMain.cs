namespace ActorWs.Bench.Soak;

/// <summary>The soak mode's entry point: parses the command line, runs, and turns the outcome into the exit code.</summary>
/// <remarks>Stateless; one run per process.</remarks>
public static class SoakMain
{
    /// <summary>Exit code: bad command line.</summary>
    public const int ExitUsage = 2;

    /// <summary>Runs the soak described by <paramref name="args"/>.</summary>
    /// <param name="args">The arguments, <c>--soak</c> among them.</param>
    /// <returns>0 when every check passed, 1 when one failed, 2 on a bad command line, 3 when the soak could not run, 130 when cancelled before a report.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var error = SoakOptionsParser.Parse(args, out var options, out var help);
        if (help)
        {
            Console.WriteLine(SoakOptionsParser.Usage);
            return 0;
        }

        if (error is not null)
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine(SoakOptionsParser.Usage);
            return ExitUsage;
        }

        using var stop = ActorWs.Bench.Cli.ConsoleCancellation.CancelOnFirstCtrlC();

        try
        {
            var result = await new SoakRunner(Console.Out, TimeProvider.System).RunAsync(options, stop.Token).ConfigureAwait(false);
            return result is null ? SoakRunner.ExitSetupFailed : result.Passed ? SoakRunner.ExitPassed : SoakRunner.ExitFailed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
    }
}
