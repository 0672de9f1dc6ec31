using BenchmarkDotNet.Running;

// Run all benchmarks in this assembly, or pick some with --filter '*Name*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
