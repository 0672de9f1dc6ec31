using System.Buffers.Text;
using System.Text;

namespace ActorWs.Protocol.Http;

/// <summary>
/// Appends ASCII response text into a span, or, when the span is too small, keeps counting so the caller learns the
/// size needed. Running the same appends once with an empty span is how the writers compute sizes, so a size and the
/// bytes written can never disagree.
/// </summary>
internal ref struct ResponseTextBuilder(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _length;

    /// <summary>The number of bytes appended (or that would have been).</summary>
    public readonly int Length => _length;

    /// <summary>Whether everything appended fit.</summary>
    public readonly bool Fits => _length <= _destination.Length;

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length <= _destination.Length)
        {
            bytes.CopyTo(_destination[_length..]);
        }

        _length += bytes.Length;
    }

    /// <summary>Appends text that the caller has checked is ASCII.</summary>
    public void Append(string text)
    {
        if (_length + text.Length <= _destination.Length)
        {
            Encoding.ASCII.GetBytes(text, _destination[_length..]);
        }

        _length += text.Length;
    }

    public void Append(long number)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(number, digits, out int written);
        Append(digits[..written]);
    }

    public void AppendHeader(string name, string value)
    {
        Append(name);
        Append(": "u8);
        Append(value);
        Append("\r\n"u8);
    }

    public void AppendHeader(ReadOnlySpan<byte> name, string value)
    {
        Append(name);
        Append(": "u8);
        Append(value);
        Append("\r\n"u8);
    }

    public void AppendStatusLine(int statusCode)
    {
        Append("HTTP/1.1 "u8);
        Append(statusCode);
        Append(" "u8);
        Append(HttpStatus.ReasonPhrase(statusCode));
        Append("\r\n"u8);
    }
}
