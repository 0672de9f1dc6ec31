using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ActorWs.Samples.Arena.Protocol;

/// <summary>The optional <c>name</c> a client asks for when it joins (<c>joinOrCreate("arena", {name: "Ada"})</c>).</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class PlayerName
{
    /// <summary>Longest name, in characters (it is drawn next to a dot).</summary>
    public const int MaxLength = 16;

    /// <summary>The refusal a client gets for a bad name.</summary>
    public const string Rule = "name must be 1–16 letters, digits, spaces, '-' or '_'";

    /// <summary>
    /// Reads the name from a join's options: true with null when there is none (the slot's colour name is used),
    /// true with the trimmed name when it follows <see cref="Rule"/>, false with the rule otherwise.
    /// </summary>
    public static bool TryRead(JsonElement options, out string? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        error = null;
        if (options.ValueKind != JsonValueKind.Object || !options.TryGetProperty("name", out var value) || value.ValueKind == JsonValueKind.Null)
            return true;
        string? text = value.ValueKind == JsonValueKind.String ? value.GetString()?.Trim() : null;
        if (text is null || text.Length == 0 || text.Length > MaxLength || !text.All(IsAllowed))
        {
            error = Rule;
            return false;
        }
        name = text;
        return true;
    }

    private static bool IsAllowed(char c) => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_';
}
