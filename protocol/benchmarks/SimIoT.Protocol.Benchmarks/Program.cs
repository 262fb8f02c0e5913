using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SimIoT.Protocol.Benchmarks.ProtocolBenchmarks).Assembly).Run(args);
