using System.Net;
using System.Net.Sockets;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary>
/// Tests that read or set <see cref="Environment.ExitCode"/>, the process's one exit code: they run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ExitCodeCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process exit code";
}

/// <summary>An application's own Generic Host with <c>AddActorWs</c> (not the executable): how a failed bind shows.</summary>
[Collection(ExitCodeCollection.Name)]
public sealed class ActorWsHostedServiceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task APortInUse_IsLoggedInOneLine_RecordedForTheApplication_AndStopsTheHostWithExitCode1()
    {
        using var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen();
        int port = ((IPEndPoint)blocker.LocalEndPoint!).Port;

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddHocon($"server {{ host = \"127.0.0.1\", port = {port} }}", "app.conf");
        builder.Logging.AddFakeLogging();
        builder.Services.AddActorWs(builder.Configuration);
        using var host = builder.Build();
        int before = Environment.ExitCode;
        try
        {
            // The start does not throw (the host would log a stack trace): it stops the host instead.
            await host.StartAsync().WaitAsync(Wait);
            await host.WaitForShutdownAsync().WaitAsync(Wait);

            Assert.Equal(1, Environment.ExitCode);
            var failure = host.Services.GetRequiredService<ActorWsStartup>().BindFailure;
            Assert.NotNull(failure);
            Assert.Equal($"port {port} in use on 127.0.0.1", failure.Message);
            var errors = host.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Error).ToList();
            var logged = Assert.Single(errors);
            Assert.Equal(LogLevel.Critical, logged.Level);
            Assert.Equal($"ActorWs cannot start: port {port} in use on 127.0.0.1; stopping the host", logged.Message);
            Assert.Null(logged.Exception);
        }
        finally
        {
            Environment.ExitCode = before; // this test process must still exit 0
        }
    }

    [Fact]
    public async Task APortInUse_ReportedByTheEntryPoint_IsLoggedOnlyAtDebug_AndTheShutdownThatFollowsSaysNothing()
    {
        using var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen();
        int port = ((IPEndPoint)blocker.LocalEndPoint!).Port;

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddHocon($"server {{ host = \"127.0.0.1\", port = {port} }}", "app.conf");
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddActorWs(builder.Configuration);
        using var host = builder.Build();
        var startup = host.Services.GetRequiredService<ActorWsStartup>();
        startup.ReportedByEntryPoint = true; // as the executable and the samples do: they write the one line themselves
        int before = Environment.ExitCode;
        try
        {
            await host.StartAsync().WaitAsync(Wait);
            await host.WaitForShutdownAsync().WaitAsync(Wait);

            Assert.Equal(1, Environment.ExitCode);
            Assert.Equal($"port {port} in use on 127.0.0.1", startup.BindFailure?.Message);
            var logs = host.Services.GetFakeLogCollector().GetSnapshot();
            // Nothing from ActorWs or Akka.NET at information or above (the host's own lifetime lines are the host's
            // business): the entry point's own line is all a person sees.
            Assert.Empty(logs
                .Where(r => r.Level >= LogLevel.Information && r.Category is { } c && (c.StartsWith("ActorWs", StringComparison.Ordinal) || c.StartsWith("Akka", StringComparison.Ordinal)))
                .Select(r => $"{r.Level} {r.Category}: {r.Message}"));
            Assert.Contains(logs, r => r.Level == LogLevel.Debug && r.Message == $"ActorWs cannot start: port {port} in use on 127.0.0.1; stopping the host");
        }
        finally
        {
            Environment.ExitCode = before; // this test process must still exit 0
        }
    }
}
