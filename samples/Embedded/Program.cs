using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Hosting;
using ActorWs.Samples.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// An existing Generic Host application that embeds ActorWs: its own background service talks to a room,
// and its own actor is injected where it is needed. Run: dotnet run --project samples/Embedded
// Exit codes as the server's: 0 after a graceful stop, 1 when it cannot start or fails, 2 for a bad configuration.
IHost host;
try
{
    host = EmbeddedApp.Build(args);
}
catch (Exception bad) when (bad is ConfigurationValidationException or HoconException)
{
    Console.Error.WriteLine("Embedded: bad configuration:\n" + bad.Message);
    return 2;
}
using (host)
{
    // Resolved before running: RunAsync disposes the host's services.
    var startup = host.Services.GetRequiredService<ActorWsStartup>();
    startup.ReportedByEntryPoint = true; // a port in use is our one line below, and nothing else
    await host.RunAsync();
    if (startup.BindFailure is { } failure)
    {
        Console.Error.WriteLine("Embedded: cannot start: " + failure.Message);
        return 1;
    }
}
return Environment.ExitCode;
