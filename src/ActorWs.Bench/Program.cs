using ActorWs.Bench;
using ActorWs.Bench.Cli;
using ActorWs.Bench.Soak;
using ActorWs.Bench.TickServer;

// The load tool: measures ActorWs against an ASP.NET Core Kestrel baseline, side by side, in one run.
// With "tick-server" as the first argument it is instead the server of the tick scenario (started by the tool itself).
if (args.Length > 0 && args[0] == TickServerArguments.Verb)
{
    return await TickServerHost.RunAsync(args[1..], Console.Error).ConfigureAwait(false);
}

if (SoakOptionsParser.IsSoak(args))
{
    return await SoakMain.RunAsync(args).ConfigureAwait(false);
}

var parsed = BenchOptionsParser.Parse(args);
if (parsed.HelpRequested)
{
    Console.WriteLine(BenchOptionsParser.Usage);
    return 0;
}

if (parsed.Options is not { } options)
{
    Console.Error.WriteLine($"error: {parsed.Error}");
    Console.Error.WriteLine(BenchOptionsParser.Usage);
    return 2;
}

using var stop = ActorWs.Bench.Cli.ConsoleCancellation.CancelOnFirstCtrlC();

try
{
    return await new BenchRunner(Console.Out, TimeProvider.System).RunAsync(options, stop.Token).ConfigureAwait(false);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
