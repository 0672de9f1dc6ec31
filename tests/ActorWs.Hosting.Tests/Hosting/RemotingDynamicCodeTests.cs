using ActorWs.Hosting.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary>
/// Which nodes turn dynamic code on (<see cref="RemotingDynamicCode"/>): those whose <c>akka.actor.provider</c> gives them
/// remoting. That the switch takes effect in the real executable is checked by the cluster script's process test (no
/// node logs that it stayed off).
/// </summary>
public class RemotingDynamicCodeTests
{
    private static IConfiguration Provider(string? provider) =>
        new ConfigurationBuilder().AddInMemoryCollection(provider is null ? [] : [new("akka:actor:provider", provider)]).Build();

    [Theory]
    [InlineData("cluster")]
    [InlineData("Cluster")]
    [InlineData("remote")]
    [InlineData("Akka.Cluster.ClusterActorRefProvider, Akka.Cluster")]
    [InlineData("Akka.Remote.RemoteActorRefProvider, Akka.Remote")]
    public void A_node_with_remoting_needs_it(string provider) => Assert.True(RemotingDynamicCode.Needed(Provider(provider)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("local")]
    [InlineData("LOCAL")]
    [InlineData("Akka.Actor.LocalActorRefProvider, Akka")]
    public void A_single_node_does_not(string? provider) => Assert.False(RemotingDynamicCode.Needed(Provider(provider)));
}
