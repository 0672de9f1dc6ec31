using ActorWs.Samples.Chat;
using ActorWs.Samples.Chat.Settings;
using Microsoft.Extensions.Hosting;

// A chat in the browser: rooms, presence, typing, history on join, and resume after a lost connection.
// Run: dotnet run --project samples/Chat, then open http://127.0.0.1:8083/
IHost host;
try
{
    host = ChatApp.Build(args);
}
catch (ChatSettingsException bad)
{
    // Like the server's own settings: one line naming the key, and exit code 2 for a bad configuration.
    Console.Error.WriteLine("Chat: bad configuration:");
    Console.Error.WriteLine(bad.Message);
    return 2;
}
using (host)
{
    await host.RunAsync();
}
return Environment.ExitCode;
