using ActorWs.Actors.Benchmarks;
using BenchmarkDotNet.Running;

// `idle-memory [count]` measures bytes per idle actor; `stress [seconds]` soaks the mailbox
// hand-overs; anything else goes to BenchmarkDotNet (run all with --filter '*', or pick some with
// --filter '*PingPong*').
var invariant = System.Globalization.CultureInfo.InvariantCulture;
if (args is ["idle-memory", ..])
{
    return IdleMemory.Run(args.Length > 1 ? int.Parse(args[1], invariant) : IdleMemory.DefaultCount);
}

if (args is ["stress", ..])
{
    return Stress.Run(TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], invariant) : 120));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
