using ActorWs.Server.Benchmarks;
using BenchmarkDotNet.Running;

// Akka.NET's default mailbox next to ActorWs's lean mailbox (LeanMailbox), side by side in one run.
// `idle-memory [count]` prints GC heap bytes per idle actor for each mailbox (not a timing benchmark);
// anything else goes to BenchmarkDotNet (all: --filter '*'; a short run: --filter '*' --job short).
if (args is ["idle-memory", ..])
{
    int count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : IdleMemory.DefaultCount;
    return IdleMemory.Run(count, Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
