namespace ActorWs.Protocol.Http;

/// <summary>One header field line: its name as received (compare case-insensitively) and its value with surrounding whitespace removed.</summary>
/// <param name="Name">The field name.</param>
/// <param name="Value">The field value; bytes above 0x7F are decoded as ISO-8859-1 (obs-text).</param>
/// <remarks>Thread safety: an immutable value.</remarks>
public readonly record struct HttpHeaderField(string Name, string Value);
