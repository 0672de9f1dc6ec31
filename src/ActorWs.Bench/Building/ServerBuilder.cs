using ActorWs.Bench.Cli;

namespace ActorWs.Bench.Building;

/// <summary>Builds a server project in Release so both servers are measured as optimised builds.</summary>
/// <remarks>Stateless; safe to call from any thread, though concurrent builds of one project would contend.</remarks>
public static class ServerBuilder
{
    /// <summary>How long one <c>dotnet build</c> may take on the shared two-core machine.</summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs <c>dotnet build -c Release</c> on the server's project, unless <paramref name="build"/> is false.</summary>
    /// <param name="layout">The repository.</param>
    /// <param name="server">Which server.</param>
    /// <param name="build">False to only check that the Release assembly exists (<c>--no-build</c>).</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The assembly path, or why it is not available.</returns>
    public static async Task<BuildOutcome> BuildAsync(RepositoryLayout layout, ServerKind server, bool build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var project = layout.ServerProject(server);
        var assembly = layout.ServerAssembly(server);
        if (build)
        {
            if (!File.Exists(project))
            {
                return BuildOutcome.Failed(
                    $"{Path.GetRelativePath(layout.Root, project)} does not exist; measure the other server with --servers, or add the project");
            }

            var result = await CommandRunner.RunAsync(
                "dotnet", ["build", project, "-c", RepositoryLayout.Configuration, "-nologo", "-v", "q"], layout.Root, BuildTimeout, cancellationToken)
                .ConfigureAwait(false);
            if (!result.Succeeded)
            {
                var why = result.TimedOut ? $"timed out after {BuildTimeout}" : $"exit code {result.ExitCode}";
                return BuildOutcome.Failed($"dotnet build {Path.GetRelativePath(layout.Root, project)} failed ({why}):\n{result.Output}");
            }
        }

        return File.Exists(assembly)
            ? BuildOutcome.Ready(assembly)
            : BuildOutcome.Failed($"{Path.GetRelativePath(layout.Root, assembly)} does not exist{(build ? " after the build" : "; build it or drop --no-build")}");
    }
}
