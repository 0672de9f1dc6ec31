using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Samples.Arena;
using ActorWs.Server;
using Microsoft.Extensions.Hosting;

// A real-time multiplayer arena in the browser: run it, open http://127.0.0.1:8082/ in a few tabs.
// Exit codes as the server's: 0 after a graceful stop, 1 when it cannot start, 2 for a bad configuration.
try
{
    using var host = ArenaApp.Build(args);
    await host.RunAsync();
    return 0;
}
catch (ConfigurationValidationException ex)
{
    await Console.Error.WriteLineAsync("Arena: bad configuration:\n" + ex.Message);
    return 2;
}
catch (HoconException ex)
{
    await Console.Error.WriteLineAsync("Arena: " + ex.Message);
    return 2;
}
catch (ServerBindException ex)
{
    await Console.Error.WriteLineAsync("Arena: cannot start: " + ex.Message);
    return 1;
}
