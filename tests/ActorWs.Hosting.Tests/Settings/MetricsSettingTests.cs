using System.Net;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Settings;
using ActorWs.Server;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Settings;

/// <summary><c>server.http.metrics</c>, as README documents it, switches <c>GET /metrics</c> on the running server.</summary>
public sealed class MetricsSettingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static async Task<(HttpStatusCode Metrics, HttpStatusCode Health)> GetAsync(string hocon)
    {
        var configuration = new ConfigurationBuilder().AddHocon(hocon, "test.conf", new HoconReaderOptions { EnvironmentLookup = _ => null }).Build();
        await using var server = new ActorWsServer(ServerSettings.Read(configuration));
        var endpoint = await server.StartAsync().WaitAsync(Wait);
        using var http = new HttpClient { Timeout = Wait };
        using var metrics = await http.GetAsync($"http://127.0.0.1:{endpoint.Port}/metrics");
        using var health = await http.GetAsync($"http://127.0.0.1:{endpoint.Port}/health");
        await server.StopAsync().WaitAsync(Wait);
        return (metrics.StatusCode, health.StatusCode);
    }

    [Fact]
    public async Task MetricsOff_MakesTheMetricsPath404_WhileTheRestAnswers()
    {
        var (metrics, health) = await GetAsync("server { host = \"127.0.0.1\", port = 0, http.metrics = false }");
        Assert.Equal(HttpStatusCode.NotFound, metrics);
        Assert.Equal(HttpStatusCode.OK, health);
    }

    [Fact]
    public async Task MetricsOn_TheDefault_AnswersTheMetricsPath()
    {
        var (metrics, _) = await GetAsync("server { host = \"127.0.0.1\", port = 0 }");
        Assert.Equal(HttpStatusCode.OK, metrics);
    }
}
