using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Hosting;
using ActorWs.Samples.Arena;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A real-time multiplayer arena in the browser: run it, open http://127.0.0.1:8082/ in a few tabs.
// Exit codes as the server's: 0 after a graceful stop, 1 when it cannot start or fails, 2 for a bad configuration.
try
{
    using var host = ArenaApp.Build(args);
    // Resolved before running: RunAsync disposes the host's services.
    var startup = host.Services.GetRequiredService<ActorWsStartup>();
    startup.ReportedByEntryPoint = true; // a port in use is our one line below, and nothing else
    await host.RunAsync();
    if (startup.BindFailure is { } failure)
    {
        await Console.Error.WriteLineAsync("Arena: cannot start: " + failure.Message);
        return 1;
    }
    return Environment.ExitCode;
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
