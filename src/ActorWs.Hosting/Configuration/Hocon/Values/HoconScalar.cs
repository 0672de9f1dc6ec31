using System.Text;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>A string, number, boolean or null value.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class HoconScalar : HoconValue
{
    private const int MaxDescribedLength = 80;

    private HoconScalar(HoconValueKind kind, string text, HoconOrigin origin) : base(origin)
    {
        Kind = kind;
        Text = text;
    }

    /// <inheritdoc />
    public override HoconValueKind Kind { get; }

    /// <summary>
    /// The value as text: the string's characters, the number exactly as written in the file,
    /// <c>true</c>/<c>false</c>, or <c>null</c>.
    /// </summary>
    public string Text { get; }

    /// <summary>True when this is the <c>null</c> value.</summary>
    public bool IsNull => Kind == HoconValueKind.Null;

    internal static HoconScalar String(string text, HoconOrigin origin) => new(HoconValueKind.String, text, origin);

    internal static HoconScalar Number(string text, HoconOrigin origin) => new(HoconValueKind.Number, text, origin);

    internal static HoconScalar Boolean(bool value, HoconOrigin origin) => new(HoconValueKind.Boolean, value ? "true" : "false", origin);

    internal static HoconScalar Null(HoconOrigin origin) => new(HoconValueKind.Null, "null", origin);

    /// <inheritdoc />
    public override string Describe() => Kind == HoconValueKind.String ? Quote(Text) : Text;

    /// <summary>Quotes text the way a JSON string is written, shortening very long values (unless told not to) so messages stay readable.</summary>
    internal static string Quote(string text, bool shorten = true)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        var truncated = shorten && text.Length > MaxDescribedLength;
        var shown = truncated ? text.AsSpan(0, MaxDescribedLength) : text.AsSpan();
        foreach (var c in shown)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ') builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }

        if (truncated) builder.Append('…');
        return builder.Append('"').ToString();
    }
}
