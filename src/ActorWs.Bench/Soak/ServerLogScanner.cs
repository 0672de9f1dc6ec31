using System.Text;
using System.Text.RegularExpressions;

namespace ActorWs.Bench.Soak;

/// <summary>
/// Reads the server's console output line by line and sorts its events: errors (an <c>ERR</c> or <c>FTL</c> event, or any line
/// saying <c>Unhandled exception</c>) fail the soak, except those caused by the soak's own fault injection (their text names
/// <c>SoakInjectedFaultException</c> or says <c>soak fault injection</c>), which are counted apart; warnings are counted.
/// </summary>
/// <remarks>
/// The server writes <c>[HH:mm:ss LVL] Source: message</c> (Akka.NET's own console format, <c>[ERROR][…</c>, is read too), then the exception's lines, if any, up to the next event, so an
/// event is classified once it is complete (at the next event's first line or at <see cref="Complete"/>).
/// Thread-safe: the process's stdout and stderr readers feed it concurrently.
/// </remarks>
public sealed partial class ServerLogScanner
{
    /// <summary>Error events kept verbatim for the report.</summary>
    public const int KeptErrors = 5;

    /// <summary>Lines kept of one event (its exception's stack can be long).</summary>
    private const int KeptLinesPerEvent = 12;

    private readonly Lock _lock = new();
    private readonly List<string> _errors = [];
    private readonly Dictionary<string, long> _warnings = new(StringComparer.Ordinal);
    private StringBuilder? _event;
    private string _level = "";
    private int _eventLines;

    /// <summary>Error events that were not injected by the soak.</summary>
    public long ErrorCount { get; private set; }

    /// <summary>Error events caused by the soak's fault injection (expected).</summary>
    public long InjectedErrorCount { get; private set; }

    /// <summary>Warning events.</summary>
    public long WarningCount { get; private set; }

    /// <summary>The first <see cref="KeptErrors"/> unexpected error events, as logged (shortened).</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors.ToList();
            }
        }
    }

    /// <summary>Warning events by their text up to the first digit (so that ids and counts do not split them), with counts.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Warnings
    {
        get
        {
            lock (_lock)
            {
                return _warnings.OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).ToList();
            }
        }
    }

    // The server's own events ("[12:00:00 ERR] "), and Akka.NET's should any reach the console directly ("[ERROR][").
    [GeneratedRegex(@"^\[(?:\d\d:\d\d:\d\d (?<level>[A-Z]{3})\] |(?<akka>ERROR|WARNING|INFO|DEBUG)\]\[)")]
    private static partial Regex EventHeader();

    /// <summary>Takes one line of the server's output.</summary>
    /// <param name="line">The line, without its line break.</param>
    public void Feed(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        lock (_lock)
        {
            var header = EventHeader().Match(line);
            if (header.Success)
            {
                CloseEvent();
                _level = header.Groups["akka"].Success
                    ? header.Groups["akka"].Value switch { "ERROR" => "ERR", "WARNING" => "WRN", _ => "INF" }
                    : header.Groups["level"].Value;
                _event = new StringBuilder(line);
                _eventLines = 1;
                return;
            }

            if (_event is null)
            {
                // Output before any event (the runtime's own crash report is written this way).
                _level = line.Contains("Unhandled exception", StringComparison.Ordinal) ? "ERR" : "";
                _event = new StringBuilder(line);
                _eventLines = 1;
                CloseEvent();
                return;
            }

            if (line.Contains("Unhandled exception", StringComparison.Ordinal))
            {
                _level = "ERR";
            }

            if (_eventLines++ < KeptLinesPerEvent)
            {
                _event.Append('\n').Append(line);
            }
            else if (line.Contains("soak fault injection", StringComparison.Ordinal) || line.Contains(InjectedExceptionName, StringComparison.Ordinal))
            {
                _event.Append('\n').Append(line);
            }
        }
    }

    /// <summary>Classifies the event still open (call when the output has ended).</summary>
    public void Complete()
    {
        lock (_lock)
        {
            CloseEvent();
        }
    }

    private void CloseEvent()
    {
        if (_event is null)
        {
            return;
        }

        var text = _event.ToString();
        _event = null;
        switch (_level)
        {
            case "ERR" or "FTL":
                if (IsInjected(text))
                {
                    InjectedErrorCount++;
                }
                else
                {
                    ErrorCount++;
                    if (_errors.Count < KeptErrors)
                    {
                        _errors.Add(text.Length > 2000 ? text[..2000] + "…" : text);
                    }
                }

                break;
            case "WRN":
                WarningCount++;
                var firstLine = text.Split('\n')[0];
                var key = firstLine[Math.Min(firstLine.Length, 15)..];
                var digit = key.IndexOfAny("0123456789".ToCharArray());
                key = digit < 0 ? key : key[..digit];
                _warnings[key] = _warnings.GetValueOrDefault(key) + 1;
                break;
        }
    }

    private static bool IsInjected(string text) =>
        text.Contains(InjectedExceptionName, StringComparison.Ordinal) || text.Contains("soak fault injection", StringComparison.Ordinal);

    /// <summary>The exception type the executable's chaos hooks throw (<c>src/ActorWs/Soak/SoakChaos.cs</c>).</summary>
    public const string InjectedExceptionName = "SoakInjectedFaultException";
}
