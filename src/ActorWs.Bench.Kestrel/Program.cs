using ActorWs.Bench.Kestrel.Echo;
using ActorWs.Bench.Kestrel.Hosting;
using ActorWs.Bench.Kestrel.Rooms;

// The comparison baseline for the load tool: a minimal ASP.NET Core app on Kestrel with the same
// routes and command line as the ActorWs server, written the way ASP.NET documentation shows.
var parsed = ServerArguments.Parse(args);
if (parsed.Arguments is not { } listen)
{
    Console.Error.WriteLine($"ActorWs.Bench.Kestrel: {parsed.Error}");
    Console.Error.WriteLine("usage: ActorWs.Bench.Kestrel [--host 127.0.0.1] [--port 8080]");
    return 2;
}

// The command line belongs to this program, not to ASP.NET configuration.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen.Host, listen.Port));
builder.Services.AddSingleton<RoomRegistry>();

var app = builder.Build();
app.UseWebSockets();
app.MapGet("/health", () => "ok");
app.Map("/echo", (HttpContext context, IHostApplicationLifetime lifetime) =>
    EchoEndpoint.HandleAsync(context, lifetime.ApplicationStopping));
app.Map("/rooms/{name}", (HttpContext context, string name, RoomRegistry rooms, IHostApplicationLifetime lifetime) =>
    RoomEndpoint.HandleAsync(context, name, rooms, lifetime.ApplicationStopping));

await app.RunAsync().ConfigureAwait(false);
return 0;
