using System.Collections;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Settings;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Configuration.Provider;

public sealed class SettingsEnvironmentVariablesTests
{
    private static IConfigurationRoot Build(string hocon, IDictionary environment, params string[] args) =>
        new ConfigurationBuilder()
            .AddHocon(hocon, "test.conf")
            .Add(new SettingsEnvironmentVariablesSource("ACTORWS__", () => environment))
            .AddCommandLine(args)
            .Build();

    [Theory]
    [InlineData("SERVER__PORT", "server:port")]
    [InlineData("SERVER__WEBSOCKET__IDLE_TIMEOUT", "server:websocket:idle-timeout")]
    [InlineData("server__http__max_header_count", "server:http:max-header-count")]
    public void DoubleUnderscoresSeparateLevels_SingleOnesStandForDashes(string name, string key)
    {
        Assert.Equal(key, SettingsEnvironmentVariablesProvider.ToKey(name));
    }

    [Fact]
    public void Hocon_IsOverriddenByEnvironment_WhichIsOverriddenByTheCommandLine()
    {
        var env = new Hashtable
        {
            ["ACTORWS__SERVER__PORT"] = "7000",
            ["ACTORWS__SERVER__WEBSOCKET__IDLE_TIMEOUT"] = "90s",
            ["UNRELATED__SERVER__PORT"] = "1",
        };
        var config = Build("server { port = 6000, host = \"0.0.0.0\", websocket.idle-timeout = 10s }", env, "--server:port=8000");
        var options = ServerSettings.Read(config);
        Assert.Equal(8000, options.Port);
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(TimeSpan.FromSeconds(90), options.WebSocket.IdleTimeout);
    }

    [Fact]
    public void ABadValueFromTheEnvironment_IsBlamedOnItsVariable()
    {
        var env = new Hashtable { ["ACTORWS__SERVER__WEBSOCKET__PING_INTERVAL"] = "often" };
        var ex = Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(Build("server {}", env)));
        Assert.Contains("server.websocket.ping-interval at environment variable ACTORWS__SERVER__WEBSOCKET__PING_INTERVAL: expected a duration", ex.Message);
    }
}
