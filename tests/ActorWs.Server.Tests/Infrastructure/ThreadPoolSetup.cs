using System.Runtime.CompilerServices;

namespace ActorWs.Server.Tests.Infrastructure;

internal static class ThreadPoolSetup
{
    /// <summary>
    /// The raw-socket client blocks in <c>Receive</c> on purpose (it reads byte by byte what the server sends),
    /// and it runs on thread-pool threads, next to the server's actors in the same process. Without spare
    /// threads, tests running in parallel would starve the server until the pool grows, and time out.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
