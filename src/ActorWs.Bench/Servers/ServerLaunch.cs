using System.Globalization;

namespace ActorWs.Bench.Servers;

/// <summary>
/// How a server process is started: <c>dotnet ASSEMBLY [LEADING...] --host H --port P [TRAILING...]</c>.
/// The measured servers take only the address; the tick server is this tool's own assembly with a verb in front.
/// </summary>
/// <param name="AssemblyPath">The assembly <c>dotnet</c> runs.</param>
/// <param name="LeadingArguments">Arguments before the address (a mode verb).</param>
/// <param name="TrailingArguments">Arguments after the address (mode options).</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ServerLaunch(string AssemblyPath, IReadOnlyList<string> LeadingArguments, IReadOnlyList<string> TrailingArguments)
{
    /// <summary>A server that takes only <c>--host</c> and <c>--port</c>.</summary>
    /// <param name="assemblyPath">Its assembly.</param>
    /// <returns>The launch.</returns>
    public static ServerLaunch Plain(string assemblyPath) => new(assemblyPath, [], []);

    /// <summary>
    /// An ActorWs node of a cluster on loopback: the cluster provider, remoting on <paramref name="clusterPort"/>, and the
    /// seed node's remoting port (none for the node that founds the cluster), as <c>scripts/cluster.sh</c> starts them.
    /// </summary>
    /// <param name="assemblyPath">ActorWs's assembly.</param>
    /// <param name="clusterPort">This node's remoting port.</param>
    /// <param name="seedPort">The founding node's remoting port; null for the founding node itself.</param>
    /// <returns>The launch.</returns>
    public static ServerLaunch ClusterNode(string assemblyPath, int clusterPort, int? seedPort) => new(
        assemblyPath,
        [],
        [
            "--akka:actor:provider=cluster", "--cluster-host", "127.0.0.1", "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture),
            .. seedPort is { } seed ? (string[])["--cluster-seed", "127.0.0.1:" + seed.ToString(CultureInfo.InvariantCulture)] : [],
        ]);

    /// <summary>The arguments given to <c>dotnet</c>.</summary>
    /// <param name="host">The address to listen on.</param>
    /// <param name="port">The port to listen on.</param>
    /// <returns>The assembly followed by its arguments.</returns>
    public IReadOnlyList<string> DotnetArguments(string host, int port) =>
        [AssemblyPath, .. LeadingArguments, "--host", host, "--port", port.ToString(CultureInfo.InvariantCulture), .. TrailingArguments];
}
