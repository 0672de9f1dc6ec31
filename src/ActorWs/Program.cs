using ActorWs.Hosting.Hosting;
using ActorWs.Server.BuiltIn;
using ActorWs.Soak;

// The default server: /echo, /rooms/{name} and /ws, plus /health, /ready, /metrics and a status page.
// Settings: hocon.conf (or --config FILE), ACTORWS__* environment variables, --port / --host.
// ACTORWS_SOAK_CHAOS=1 (set only by the load tool's soak mode) adds its fault-injection room type and route.
return await ActorWsApp.RunAsync(args, actorws => actorws.ConfigureServer(server =>
{
    server.MapDefaultRoutes();
    if (SoakChaos.Enabled)
    {
        SoakChaos.Map(server);
    }
}));
