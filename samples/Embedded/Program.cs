using ActorWs.Samples.Embedded;
using Microsoft.Extensions.Hosting;

// An existing Generic Host application that embeds ActorWs: its own background service talks to a room,
// and its own actor is injected where it is needed. Run: dotnet run --project samples/Embedded
using var host = EmbeddedApp.Build(args);
await host.RunAsync();
