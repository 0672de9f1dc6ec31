using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Compression.Pooling;

namespace ActorWs.Protocol.Benchmarks;

/// <summary>
/// Measures what permessage-deflate costs per connection: native bytes held by zlib (counted by our allocator) and
/// managed bytes (GC heap), for many connections that each exchanged one message and then went idle, and for one
/// message in flight. Run with <c>dotnet run -c Release -- --deflate-memory</c>.
/// </summary>
internal static class DeflateMemoryReport
{
    private const int Connections = 1000;

    public static void Run()
    {
        Console.WriteLine($"zlib backend: {ZlibLibrary.DefaultBackend}, version {ZlibLibrary.SystemZlibVersion}; {Connections} connections, each after one 1 KiB JSON message each way");
        Console.WriteLine();
        Console.WriteLine("| configuration | native bytes per idle connection | managed bytes per idle connection | shared pool afterwards (idle streams, native bytes, for all connections together) |");
        Console.WriteLine("| --- | ---: | ---: | --- |");
        Measure("default (no context takeover either way)", PerMessageDeflateSettings.Default, "permessage-deflate; client_max_window_bits");
        Measure("server takeover only, 15 bits, memLevel 8", PerMessageDeflateSettings.Default with { ContextTakeover = PerMessageDeflateContextTakeover.Server }, "permessage-deflate; client_max_window_bits");
        Measure("client takeover only, 15 bits", PerMessageDeflateSettings.Default with { ContextTakeover = PerMessageDeflateContextTakeover.Client }, "permessage-deflate; client_max_window_bits");
        Measure("both takeover, 15 bits, memLevel 8 (what most servers do)", PerMessageDeflateSettings.Default with { ContextTakeover = PerMessageDeflateContextTakeover.Both }, "permessage-deflate; client_max_window_bits");
        Measure("both takeover, 10 bits, memLevel 4", PerMessageDeflateSettings.Default with { ContextTakeover = PerMessageDeflateContextTakeover.Both, ServerMaxWindowBits = 10, ClientMaxWindowBits = 10, MemoryLevel = 4 }, "permessage-deflate; client_max_window_bits");
        Console.WriteLine();
        MeasureInFlight();
    }

    private static void Measure(string name, PerMessageDeflateSettings settings, string offer)
    {
        byte[] message = ChatMessages.Build(1024, 1);
        using var pool = new PerMessageDeflateStreamPool();
        PerMessageDeflateParameters parameters = PerMessageDeflateNegotiator.Negotiate([offer], settings).Parameters!;
        var compressed = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(message.Length)];
        var output = new PooledBufferWriter();

        // Warm the pool and the JIT, then measure from a settled heap.
        RunConnections(1, parameters, settings, pool, message, compressed, output).ForEach(c => c.Dispose());
        output.ReleaseBuffer();
        pool.Trim(); // count every stream the connections need as theirs
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long nativeBefore = ZlibLibrary.TrackedNativeBytes;
        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);

        List<Connection> connections = RunConnections(Connections, parameters, settings, pool, message, compressed, output);
        output.ReleaseBuffer(); // an idle connection gives its message buffer back too
        long native = ZlibLibrary.TrackedNativeBytes - nativeBefore;
        long managed = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;
        int idleStreams = pool.IdleCount;
        long beforeTrim = ZlibLibrary.TrackedNativeBytes;
        pool.Trim(); // frees only the shared idle streams; what is still held belongs to the connections
        long poolBytes = beforeTrim - ZlibLibrary.TrackedNativeBytes;
        long perConnection = (native - poolBytes) / Connections;
        Console.WriteLine($"| {name} | {perConnection:N0} | {managed / Connections:N0} | {idleStreams} streams, {poolBytes:N0} B |");
        GC.KeepAlive(connections);
        connections.ForEach(c => c.Dispose());
    }

    private static List<Connection> RunConnections(int count, PerMessageDeflateParameters parameters, PerMessageDeflateSettings settings, PerMessageDeflateStreamPool pool, byte[] message, byte[] compressed, PooledBufferWriter output)
    {
        var connections = new List<Connection>(count);
        for (int i = 0; i < count; i++)
        {
            var connection = new Connection(
                PerMessageDeflateCompressor.ForServer(parameters, settings with { Threshold = 0 }, pool),
                PerMessageDeflateDecompressor.ForServer(parameters, pool: pool));
            int written = connection.Compressor.Compress(message, compressed).BytesWritten;
            output.Clear();
            connection.Decompressor.Decompress(compressed.AsSpan(0, written), true, output);
            connections.Add(connection);
        }

        return connections;
    }

    private static void MeasureInFlight()
    {
        Console.WriteLine("| one message in flight, no context takeover, negotiated 15 bits / memLevel 8 | deflate stream bytes | inflate stream bytes |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (int size in new[] { 200, 1024, 16 * 1024, 64 * 1024 })
        {
            using var pool = new PerMessageDeflateStreamPool(maxIdlePerShape: 1);
            byte[] message = ChatMessages.Build(size, 1);
            long before = ZlibLibrary.TrackedNativeBytes;
            var compressed = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(message.Length)];
            int written;
            using (var compressor = new PerMessageDeflateCompressor(15, contextTakeover: false, threshold: 0, pool: pool, skipWhenNoGain: false))
            {
                written = compressor.Compress(message, compressed).BytesWritten;
            }

            long deflate = ZlibLibrary.TrackedNativeBytes - before;
            using (var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool))
            using (var output = new PooledBufferWriter())
            {
                decompressor.Decompress(compressed.AsSpan(0, written), true, output);
            }

            long inflate = ZlibLibrary.TrackedNativeBytes - before - deflate;
            Console.WriteLine($"| {message.Length:N0} B JSON -> {written:N0} B | {deflate:N0} | {inflate:N0} |");
        }
    }

    private sealed record Connection(PerMessageDeflateCompressor Compressor, PerMessageDeflateDecompressor Decompressor) : IDisposable
    {
        public void Dispose()
        {
            Compressor.Dispose();
            Decompressor.Dispose();
        }
    }
}
