using System.Text;
using System.Text.Json;

namespace ActorWs.Samples.Chat.Protocol;

/// <summary>What a member asks its room for, in the <c>data</c> of a <c>send</c>.</summary>
public enum ChatCommandKind
{
    /// <summary><c>{"kind":"say","text":"…","cid":"…"}</c>: a chat message (<c>cid</c> optional).</summary>
    Say,
    /// <summary><c>{"kind":"typing","active":true}</c>: the member is typing (false: stopped); <c>active</c> defaults to true.</summary>
    Typing,
    /// <summary><c>{"kind":"sync"}</c>: send me the room's members and history again (a reloaded page that resumed its session).</summary>
    Sync,
}

/// <summary>One parsed member command.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
/// <param name="Kind">What is asked for.</param>
/// <param name="Text">The message of a <see cref="ChatCommandKind.Say"/>, trimmed; empty otherwise.</param>
/// <param name="ClientId">The sender's id for the message, or null.</param>
/// <param name="Active">For <see cref="ChatCommandKind.Typing"/>: typing (true) or stopped (false).</param>
public readonly record struct ChatCommand(ChatCommandKind Kind, string Text, string? ClientId, bool Active);

/// <summary>
/// Parses and validates member commands straight from the JSON bytes of a <c>send</c>'s <c>data</c>. Refusals are
/// short, precise reasons for the member's error reply (the constants below); nothing throws on any input.
/// </summary>
/// <remarks>Stateless; thread-safe. Unknown fields are ignored, so pages may add their own.</remarks>
public static class ChatCommandParser
{
    /// <summary>Longest client id (<c>cid</c>).</summary>
    public const int MaxClientIdLength = 64;

    /// <summary>Refusal: the data is not an object.</summary>
    public const string NotAnObject = "chat messages are JSON objects with a \"kind\"";

    /// <summary>Refusal: no kind.</summary>
    public const string MissingKind = "missing \"kind\"";

    /// <summary>Refusal: the text is missing or not a string.</summary>
    public const string TextNotString = "\"text\" must be a string";

    /// <summary>Refusal: nothing but white space.</summary>
    public const string EmptyText = "message is empty";

    /// <summary>Refusal: control characters other than tab and line breaks.</summary>
    public const string ControlCharacters = "message contains control characters";

    /// <summary>Refusal: text that cannot be read as UTF-16 (an escaped lone surrogate).</summary>
    public const string InvalidText = "message is not valid text";

    /// <summary>Refusal: a malformed client id.</summary>
    public static readonly string BadClientId = $"\"cid\" must be 1 to {MaxClientIdLength} letters, digits, - or _";

    /// <summary>Refusal: <c>active</c> is not a boolean.</summary>
    public const string ActiveNotBoolean = "\"active\" must be true or false";

    /// <summary>Refusal: a text longer than <paramref name="maxTextLength"/>.</summary>
    public static string TooLong(int maxTextLength) => $"message longer than {maxTextLength} characters";

    /// <summary>Refusal: an unknown kind.</summary>
    public static string UnknownKind(string kind) => $"unknown kind \"{kind}\" (expected say, typing or sync)";

    /// <summary>Kind names on the wire.</summary>
    private static ReadOnlySpan<byte> Say => "say"u8;
    private static ReadOnlySpan<byte> Typing => "typing"u8;
    private static ReadOnlySpan<byte> Sync => "sync"u8;

    /// <summary>Kinds are echoed in a refusal up to this many bytes.</summary>
    private const int MaxEchoedKindBytes = 24;

    /// <summary>
    /// Parses <paramref name="json"/> (the raw <c>data</c>). On failure returns false with <paramref name="error"/>,
    /// the reason the member is told.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, int maxTextLength, out ChatCommand command, out string? error)
    {
        command = default;
        try
        {
            return TryParseCore(json, maxTextLength, out command, out error);
        }
        catch (JsonException)
        {
            error = NotAnObject;
            return false;
        }
        catch (InvalidOperationException)
        {
            // GetString() on an escaped lone surrogate.
            error = InvalidText;
            return false;
        }
    }

    private static bool TryParseCore(ReadOnlySpan<byte> json, int maxTextLength, out ChatCommand command, out string? error)
    {
        command = default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = NotAnObject;
            return false;
        }
        ReadOnlySpan<byte> kind = default;
        bool hasKind = false, hasText = false, active = true;
        string? text = null, clientId = null, fieldError = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool plainName = !reader.ValueIsEscaped;
            var name = reader.ValueSpan;
            reader.Read();
            if (plainName && name.SequenceEqual("kind"u8) && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
            {
                kind = reader.ValueSpan;
                hasKind = true;
            }
            else if (plainName && name.SequenceEqual("text"u8))
            {
                hasText = reader.TokenType == JsonTokenType.String;
                text = hasText ? reader.GetString() : null;
            }
            else if (plainName && name.SequenceEqual("cid"u8))
            {
                clientId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (clientId is null || !IsClientId(clientId)) fieldError ??= BadClientId;
            }
            else if (plainName && name.SequenceEqual("active"u8))
            {
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False) active = reader.TokenType == JsonTokenType.True;
                else fieldError ??= ActiveNotBoolean;
            }
            // A value of the wrong type may be an object or array: step over it whole.
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        }

        if (!hasKind)
        {
            error = MissingKind;
            return false;
        }
        if (kind.SequenceEqual(Say))
        {
            if (!hasText) { error = TextNotString; return false; }
            if (fieldError == BadClientId) { error = fieldError; return false; }
            error = ValidateText(text!, maxTextLength, out var trimmed);
            if (error is not null) return false;
            command = new ChatCommand(ChatCommandKind.Say, trimmed, clientId, Active: false);
            return true;
        }
        if (kind.SequenceEqual(Typing))
        {
            if (fieldError == ActiveNotBoolean) { error = fieldError; return false; }
            command = new ChatCommand(ChatCommandKind.Typing, "", null, active);
            error = null;
            return true;
        }
        if (kind.SequenceEqual(Sync))
        {
            command = new ChatCommand(ChatCommandKind.Sync, "", null, Active: false);
            error = null;
            return true;
        }
        error = UnknownKind(Encoding.UTF8.GetString(kind[..Math.Min(kind.Length, MaxEchoedKindBytes)]));
        return false;
    }

    /// <summary>Null when <paramref name="text"/> is a message the room takes (then <paramref name="trimmed"/> is what it keeps).</summary>
    public static string? ValidateText(string text, int maxTextLength, out string trimmed)
    {
        trimmed = "";
        var span = text.AsSpan().Trim();
        if (span.IsEmpty) return EmptyText;
        if (span.Length > maxTextLength) return TooLong(maxTextLength);
        foreach (char c in span)
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) return ControlCharacters;
        trimmed = span.Length == text.Length ? text : span.ToString();
        return null;
    }

    private static bool IsClientId(string value)
    {
        if (value.Length is 0 or > MaxClientIdLength) return false;
        foreach (char c in value)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return false;
        return true;
    }
}
