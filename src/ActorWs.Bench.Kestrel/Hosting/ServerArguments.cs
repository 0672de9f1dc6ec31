using System.Globalization;
using System.Net;

namespace ActorWs.Bench.Kestrel.Hosting;

/// <summary>
/// The address the comparison server listens on, as given by the load tool on the command line
/// (<c>--host 127.0.0.1 --port 5000</c>), the same contract the ActorWs server follows.
/// </summary>
/// <param name="Host">The IP address to bind.</param>
/// <param name="Port">The TCP port to bind (1..65535).</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ServerArguments(IPAddress Host, int Port)
{
    /// <summary>The address used when <c>--host</c> is absent: loopback only, since this server has no authentication.</summary>
    public static readonly IPAddress DefaultHost = IPAddress.Loopback;

    /// <summary>The port used when <c>--port</c> is absent.</summary>
    public const int DefaultPort = 8080;

    /// <summary>The lowest TCP port accepted on the command line.</summary>
    public const int MinPort = 1;

    /// <summary>The highest TCP port accepted on the command line.</summary>
    public const int MaxPort = 65535;

    /// <summary>
    /// Reads <c>--host</c> and <c>--port</c> (each also accepted as <c>--name=value</c>).
    /// Never throws: an unknown option, a missing value, an address that is not an IP literal,
    /// or a port outside 1..65535 yields a failed result whose <see cref="ServerArgumentsParseResult.Error"/> names the problem.
    /// </summary>
    /// <param name="args">The process arguments.</param>
    /// <returns>The parsed arguments or the reason they were rejected.</returns>
    public static ServerArgumentsParseResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var host = DefaultHost;
        var port = DefaultPort;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            string? value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
                value = i + 1 < args.Count ? args[++i] : null;
            }

            if (value is null)
            {
                return ServerArgumentsParseResult.Failed($"option '{name}' needs a value");
            }

            switch (name)
            {
                case "--host":
                    if (!IPAddress.TryParse(value, out var parsedHost))
                    {
                        return ServerArgumentsParseResult.Failed($"--host '{value}' is not an IP address literal");
                    }

                    host = parsedHost;
                    break;
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsedPort)
                        || parsedPort < MinPort || parsedPort > MaxPort)
                    {
                        return ServerArgumentsParseResult.Failed($"--port '{value}' is not a port number in {MinPort}..{MaxPort}");
                    }

                    port = parsedPort;
                    break;
                default:
                    return ServerArgumentsParseResult.Failed($"unknown option '{name}' (expected --host and --port)");
            }
        }

        return ServerArgumentsParseResult.Succeeded(new ServerArguments(host, port));
    }
}

/// <summary>The outcome of <see cref="ServerArguments.Parse"/>: either arguments or an error message.</summary>
/// <param name="Arguments">The parsed arguments when parsing succeeded; otherwise <see langword="null"/>.</param>
/// <param name="Error">Why parsing failed; <see langword="null"/> on success.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ServerArgumentsParseResult(ServerArguments? Arguments, string? Error)
{
    /// <summary>A successful result.</summary>
    /// <param name="arguments">The parsed arguments.</param>
    /// <returns>The result.</returns>
    public static ServerArgumentsParseResult Succeeded(ServerArguments arguments) => new(arguments, null);

    /// <summary>A failed result.</summary>
    /// <param name="error">Why the command line was rejected.</param>
    /// <returns>The result.</returns>
    public static ServerArgumentsParseResult Failed(string error) => new(null, error);
}
