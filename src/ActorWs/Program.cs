using ActorWs.Hosting.Hosting;
using ActorWs.Server.BuiltIn;

// The default server: /echo, /rooms/{name} and /ws, plus /health, /ready, /metrics and a status page.
// Settings: hocon.conf (or --config FILE), ACTORWS__* environment variables, --port / --host.
return await ActorWsApp.RunAsync(args, actorws => actorws.ConfigureServer(server => server.MapDefaultRoutes()));
