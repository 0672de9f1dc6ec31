using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace ActorWs.Hosting.Logging;

/// <summary>
/// Writes each event as one line of compact JSON in the CLEF layout that log shippers and Seq understand:
/// <c>@t</c> timestamp, <c>@mt</c> message template, <c>@m</c> rendered message, <c>@l</c> level (omitted for
/// Information), <c>@x</c> exception, then every property by name.
/// </summary>
/// <remarks>Stateless; thread-safe. (Serilog.Formatting.Compact is not available from this project's feed.)</remarks>
public sealed class CompactJsonFormatter : ITextFormatter
{
    private readonly JsonValueFormatter _values = new(typeTagName: "$type");

    /// <inheritdoc />
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        output.Write("{\"@t\":\"");
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        output.Write("\",\"@mt\":");
        JsonValueFormatter.WriteQuotedJsonString(logEvent.MessageTemplate.Text, output);
        output.Write(",\"@m\":");
        JsonValueFormatter.WriteQuotedJsonString(logEvent.RenderMessage(CultureInfo.InvariantCulture), output);
        if (logEvent.Level != LogEventLevel.Information)
        {
            output.Write(",\"@l\":\"");
            output.Write(logEvent.Level);
            output.Write('"');
        }
        if (logEvent.Exception is not null)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(logEvent.Exception.ToString(), output);
        }
        foreach (var (name, value) in logEvent.Properties)
        {
            output.Write(',');
            // Names starting with @ would collide with the reserved fields: escape them by doubling.
            JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, output);
            output.Write(':');
            _values.Format(value, output);
        }
        output.Write('}');
        output.Write('\n');
    }
}
