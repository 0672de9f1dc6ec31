using ActorWs.Bench.Cli;

namespace ActorWs.Bench.Building;

/// <summary>Where the tool finds the servers, the load generator's sources, and where it writes.</summary>
/// <param name="Root">The repository root (the folder holding <c>ActorWs.sln</c>).</param>
/// <param name="ActorWsProject">The ActorWs server's project file, relative to <paramref name="Root"/> or absolute.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record RepositoryLayout(string Root, string ActorWsProject = RepositoryLayout.DefaultActorWsProject)
{
    /// <summary>The ActorWs server's executable project, as the server contract names it.</summary>
    public const string DefaultActorWsProject = "src/ActorWs/ActorWs.csproj";

    /// <summary>The solution file that marks the repository root.</summary>
    public const string SolutionFileName = "ActorWs.sln";

    /// <summary>The build configuration every server is measured in.</summary>
    public const string Configuration = "Release";

    /// <summary>The target framework folder under <c>bin/Release</c>.</summary>
    public const string TargetFramework = "net10.0";

    /// <summary>The load generator's C sources.</summary>
    public string LoadGeneratorSources => Path.Combine(Root, "src", "ActorWs.Bench", "loadgen");

    /// <summary>Where the load generator is compiled to (under obj/, which git ignores).</summary>
    public string LoadGeneratorBinary => Path.Combine(Root, "src", "ActorWs.Bench", "obj", "loadgen", "loadgen");

    /// <summary>The default results folder.</summary>
    public string DefaultOutputDirectory => Path.Combine(Root, "artifacts", "bench");

    /// <summary>The project file of a server.</summary>
    /// <param name="server">Which server.</param>
    /// <returns>The absolute .csproj path.</returns>
    public string ServerProject(ServerKind server) => server switch
    {
        ServerKind.ActorWs => Path.GetFullPath(ActorWsProject, Root),
        ServerKind.Kestrel => Path.Combine(Root, "src", "ActorWs.Bench.Kestrel", "ActorWs.Bench.Kestrel.csproj"),
        _ => throw new ArgumentOutOfRangeException(nameof(server), server, "unknown server"),
    };

    /// <summary>
    /// The Release assembly of a server, started with <c>dotnet &lt;dll&gt;</c>:
    /// <c>bin/Release/net10.0/&lt;project name&gt;.dll</c> next to its project file.
    /// </summary>
    /// <param name="server">Which server.</param>
    /// <returns>The absolute .dll path.</returns>
    public string ServerAssembly(ServerKind server)
    {
        var project = ServerProject(server);
        return Path.Combine(
            Path.GetDirectoryName(project)!, "bin", Configuration, TargetFramework, Path.GetFileNameWithoutExtension(project) + ".dll");
    }

    /// <summary>
    /// Finds the repository: the explicit root when given (it must hold <c>ActorWs.sln</c>), else the
    /// first folder holding it walking up from the current directory, then from the tool's own folder.
    /// </summary>
    /// <param name="explicitRoot">The <c>--repo</c> value, or null.</param>
    /// <param name="actorWsProject">The ActorWs project, relative to the root or absolute.</param>
    /// <returns>The layout, or null when no repository was found.</returns>
    public static RepositoryLayout? Locate(string? explicitRoot, string actorWsProject = DefaultActorWsProject)
    {
        if (explicitRoot is not null)
        {
            var full = Path.GetFullPath(explicitRoot);
            return File.Exists(Path.Combine(full, SolutionFileName)) ? new RepositoryLayout(full, actorWsProject) : null;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
                {
                    return new RepositoryLayout(dir.FullName, actorWsProject);
                }
            }
        }

        return null;
    }
}
