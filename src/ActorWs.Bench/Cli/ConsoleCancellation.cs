namespace ActorWs.Bench.Cli;

/// <summary>Ctrl+C for the tool's long runs: the first press ends the run early and cleanly, a second one at once.</summary>
internal static class ConsoleCancellation
{
    /// <summary>
    /// A token source the first Ctrl+C cancels (the run stops its load, stops its servers and still reports); the press
    /// itself is swallowed. A second Ctrl+C is left to the runtime, which ends the process.
    /// </summary>
    public static CancellationTokenSource CancelOnFirstCtrlC()
    {
        var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!stop.IsCancellationRequested)
            {
                e.Cancel = true;
                stop.Cancel();
            }
        };
        return stop;
    }
}
