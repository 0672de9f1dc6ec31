using ActorWs.Hosting.Hosting;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary><see cref="ActorWsApp.RunAsync"/> in this process: exit codes and the one-line errors it writes.</summary>
[Collection(ExitCodeCollection.Name)]
public sealed class ActorWsAppTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnApplicationsActorSetupThatThrows_StopsTheStart_InOneLine_WithExitCode1()
    {
        var errors = new StringWriter();
        int exitCode = await ActorWsApp.RunAsync(
            ["--port", "0", "--logging:level=fatal"],
            actorws => actorws.WithActors((_, _, _) => throw new InvalidOperationException("the catalogue is unreachable")),
            errors).WaitAsync(Wait);

        Assert.Equal(1, exitCode);
        Assert.Equal("ActorWs: cannot start: InvalidOperationException: the catalogue is unreachable", errors.ToString().TrimEnd());
    }

    [Fact]
    public async Task AnAkkaSettingAkkaRefuses_IsABadConfiguration_WithExitCode2()
    {
        var errors = new StringWriter();
        int exitCode = await ActorWsApp.RunAsync(
            ["--port", "0", "--logging:level=fatal", "--akka:actor:provider=System.Object, System.Private.CoreLib"],
            _ => { },
            errors).WaitAsync(Wait);

        Assert.Equal(2, exitCode);
        Assert.Equal(["ActorWs: bad configuration:", "akka: 'akka.actor.provider' is not a valid actor ref provider: 'System.Object, System.Private.CoreLib'"],
            errors.ToString().TrimEnd().Split(Environment.NewLine));
    }
}
