using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Hosting;
using ActorWs.Samples.Chat;
using ActorWs.Samples.Chat.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A chat in the browser: rooms, presence, typing, history on join, and resume after a lost connection.
// Run: dotnet run --project samples/Chat, then open http://127.0.0.1:8083/
// Exit codes as the server's: 0 after a graceful stop, 1 when it cannot start or fails, 2 for a bad configuration.
IHost host;
try
{
    host = ChatApp.Build(args);
}
catch (Exception bad) when (bad is ChatSettingsException or ConfigurationValidationException or HoconException)
{
    // Like the server's own settings: one line naming the key, and exit code 2 for a bad configuration.
    Console.Error.WriteLine("Chat: bad configuration:");
    Console.Error.WriteLine(bad.Message);
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
        Console.Error.WriteLine("Chat: cannot start: " + failure.Message);
        return 1;
    }
}
return Environment.ExitCode;
