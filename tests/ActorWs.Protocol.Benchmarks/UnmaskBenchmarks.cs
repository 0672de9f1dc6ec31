using ActorWs.Protocol.Frames;
using BenchmarkDotNet.Attributes;

namespace ActorWs.Protocol.Benchmarks;

/// <summary>The vectorized RFC 6455 §5.3 unmask against the textbook byte loop, on the same buffer in the same run.</summary>
[MemoryDiagnoser]
public class UnmaskBenchmarks
{
    private byte[] _data = [];

    /// <summary>Payload sizes: a chat message and a 64 KiB game-state blob.</summary>
    [Params(32, 64 * 1024)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One byte of slack so the payload starts at an odd address, as it does after a 6-byte frame header.
        _data = new byte[Length + 1];
        new Random(6455).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public int BytewiseLoop() => WebSocketMask.ApplyBytewise(_data.AsSpan(1, Length), 0x3D21FA37, 1);

    [Benchmark]
    public int Vectorized() => WebSocketMask.Apply(_data.AsSpan(1, Length), 0x3D21FA37, 1);
}
