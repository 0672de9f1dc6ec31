using Akka.Actor;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Hosting;
using ActorWs.Server.Dispatch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary>The <c>akka { }</c> section of the configuration becomes the actor system's configuration.</summary>
[Collection(ExitCodeCollection.Name)]
public sealed class AkkaSectionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static IHost Build(string hocon, string[]? args = null, IDictionary<string, string>? environment = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddHocon("server { host = \"127.0.0.1\", port = 0 }\n" + hocon, "app.conf");
        if (environment is not null)
            ((IConfigurationBuilder)builder.Configuration).Add(new SettingsEnvironmentVariablesSource(ActorWsConfiguration.EnvironmentPrefix, () => new System.Collections.Hashtable((System.Collections.IDictionary)environment)));
        builder.Services.AddActorWs(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task SettingsUnderAkka_ReachTheActorSystem_OverActorWsAndAkkaDefaults()
    {
        using var host = Build("""
            akka {
              actor.default-dispatcher.throughput = 7
              actorws-test.custom = "from the file"
            }
            """);
        await host.StartAsync().WaitAsync(Wait);
        try
        {
            var config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;
            Assert.Equal(7, config.GetInt("akka.actor.default-dispatcher.throughput"));
            Assert.Equal("from the file", config.GetString("akka.actorws-test.custom"));
            // ActorWs's own Akka settings are there under the application's.
            Assert.Equal("ActorWs.Server.Dispatch.LeanMailbox, ActorWs.Server", config.GetString(ActorWsDispatch.LeanMailboxPath + ".mailbox-type"));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Wait);
        }
    }

    [Fact]
    public async Task AnEnvironmentVariable_OverridesAnAkkaSettingOfTheFile()
    {
        using var host = Build("akka.actor.default-dispatcher.throughput = 7",
            environment: new Dictionary<string, string> { ["ACTORWS__AKKA__ACTOR__DEFAULT_DISPATCHER__THROUGHPUT"] = "11" });
        await host.StartAsync().WaitAsync(Wait);
        try
        {
            Assert.Equal(11, host.Services.GetRequiredService<ActorSystem>().Settings.Config.GetInt("akka.actor.default-dispatcher.throughput"));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Wait);
        }
    }
}
