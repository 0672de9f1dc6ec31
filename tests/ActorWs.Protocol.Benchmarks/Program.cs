using ActorWs.Protocol.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["--deflate-memory"])
{
    // Native and managed bytes per idle permessage-deflate connection (not a timing benchmark).
    DeflateMemoryReport.Run();
    return;
}

// Run all benchmarks in this assembly, or pick some with --filter '*Name*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
