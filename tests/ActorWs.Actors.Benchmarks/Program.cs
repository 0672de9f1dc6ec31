using ActorWs.Actors.Benchmarks;
using BenchmarkDotNet.Running;

// `idle-memory` measures bytes per idle actor; anything else goes to BenchmarkDotNet
// (run all with --filter '*', or pick some with --filter '*PingPong*').
if (args is ["idle-memory", ..])
{
    return IdleMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : IdleMemory.DefaultCount);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
