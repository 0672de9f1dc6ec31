using System.Globalization;
using System.Net;

namespace ActorWs.Bench.TickServer;

/// <summary>
/// The command line of the tick server mode:
/// <c>tick-server --host 127.0.0.1 --port P [--hz 30] [--size 256]</c>.
/// </summary>
/// <param name="Host">The loopback address to bind.</param>
/// <param name="Port">The port to bind (0 picks a free one).</param>
/// <param name="Hz">Ticks per second of the benchmark room.</param>
/// <param name="PayloadBytes">Bytes the room broadcasts per tick (the timestamp, then filler).</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record TickServerArguments(string Host, int Port, int Hz, int PayloadBytes)
{
    /// <summary>The first argument that selects this mode.</summary>
    public const string Verb = "tick-server";

    /// <summary>The tick rate.</summary>
    public const int DefaultHz = 30;

    /// <summary>The state delta size.</summary>
    public const int DefaultPayloadBytes = 256;

    /// <summary>The room toolkit's fastest tick rate (1–120 Hz).</summary>
    public const int MaxHz = 120;

    /// <summary>Largest payload accepted; the C generator reads any size, this only guards typos.</summary>
    public const int MaxPayloadBytes = 65_535;

    /// <summary>The usage text printed after a command-line error.</summary>
    public const string Usage = "usage: ActorWs.Bench tick-server --host 127.0.0.1 --port P [--hz 30] [--size 256]";

    /// <summary>
    /// Parses the arguments after <see cref="Verb"/>. Never throws on bad input: an unknown option, a missing or
    /// malformed value, a host that is not a loopback address, or a value out of range yields an error.
    /// </summary>
    /// <param name="args">The arguments after the verb.</param>
    /// <returns>The arguments or an error.</returns>
    public static TickServerArgumentsParseResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string host = "127.0.0.1";
        int? port = null;
        int hz = DefaultHz;
        int size = DefaultPayloadBytes;
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                return TickServerArgumentsParseResult.Failed($"option '{name}' needs a value");
            }

            var value = args[i + 1];
            string? error = null;
            switch (name)
            {
                case "--host":
                    host = value;
                    break;
                case "--port":
                    port = ParseInt(name, value, IPEndPoint.MinPort, IPEndPoint.MaxPort, ref error);
                    break;
                case "--hz":
                    hz = ParseInt(name, value, 1, MaxHz, ref error);
                    break;
                case "--size":
                    size = ParseInt(name, value, TickPayload.TimestampBytes, MaxPayloadBytes, ref error);
                    break;
                default:
                    error = $"unknown option '{name}'";
                    break;
            }

            if (error is not null)
            {
                return TickServerArgumentsParseResult.Failed(error);
            }
        }

        if (port is not { } p)
        {
            return TickServerArgumentsParseResult.Failed("--port is required");
        }

        // The benchmark never listens beyond this machine.
        if (!IPAddress.TryParse(host, out var address) || !IPAddress.IsLoopback(address))
        {
            return TickServerArgumentsParseResult.Failed($"--host must be a loopback address (127.x.x.x or ::1), got '{host}'");
        }

        return TickServerArgumentsParseResult.Succeeded(new TickServerArguments(host, p, hz, size));
    }

    private static int ParseInt(string name, string value, int min, int max, ref string? error)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            error = $"{name} must be an integer in {min}..{max}, got '{value}'";
            return min;
        }

        return parsed;
    }
}

/// <summary>The outcome of <see cref="TickServerArguments.Parse"/>.</summary>
/// <param name="Arguments">The arguments when parsing succeeded; otherwise <see langword="null"/>.</param>
/// <param name="Error">Why the command line was rejected; <see langword="null"/> on success.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record TickServerArgumentsParseResult(TickServerArguments? Arguments, string? Error)
{
    /// <summary>A successful parse.</summary>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The result.</returns>
    public static TickServerArgumentsParseResult Succeeded(TickServerArguments arguments) => new(arguments, null);

    /// <summary>A rejected command line.</summary>
    /// <param name="error">What was wrong.</param>
    /// <returns>The result.</returns>
    public static TickServerArgumentsParseResult Failed(string error) => new(null, error);
}
