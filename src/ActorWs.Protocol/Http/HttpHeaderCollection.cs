using System.Collections;

namespace ActorWs.Protocol.Http;

/// <summary>
/// The header field lines of a request head, in the order received, with case-insensitive lookup
/// (RFC 9110 §5.1) and helpers for comma-separated token lists (RFC 9110 §5.6.1).
/// </summary>
/// <remarks>Thread safety: immutable after construction; safe to read from any thread.</remarks>
public sealed class HttpHeaderCollection : IReadOnlyList<HttpHeaderField>
{
    private readonly HttpHeaderField[] _fields;

    /// <summary>Creates a collection over the given field lines.</summary>
    /// <param name="fields">The field lines in received order.</param>
    public HttpHeaderCollection(IEnumerable<HttpHeaderField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = [.. fields];
    }

    /// <summary>The number of field lines.</summary>
    public int Count => _fields.Length;

    /// <summary>The field line at <paramref name="index"/>.</summary>
    /// <param name="index">Position in received order.</param>
    public HttpHeaderField this[int index] => _fields[index];

    /// <summary>Whether at least one field line has this name.</summary>
    /// <param name="name">A field name, any case.</param>
    /// <returns><see langword="true"/> if present.</returns>
    public bool Contains(string name) => CountOf(name) > 0;

    /// <summary>How many field lines have this name.</summary>
    /// <param name="name">A field name, any case.</param>
    /// <returns>The number of lines.</returns>
    public int CountOf(string name)
    {
        int count = 0;
        foreach (HttpHeaderField field in _fields)
        {
            if (string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The value of the first field line with this name.</summary>
    /// <param name="name">A field name, any case.</param>
    /// <param name="value">The value, or <see langword="null"/> when absent.</param>
    /// <returns><see langword="true"/> if present.</returns>
    public bool TryGetValue(string name, out string? value)
    {
        foreach (HttpHeaderField field in _fields)
        {
            if (string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = field.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The values of every field line with this name, in received order.</summary>
    /// <param name="name">A field name, any case.</param>
    /// <returns>The values; empty when absent.</returns>
    public IReadOnlyList<string> GetValues(string name)
    {
        var values = new List<string>();
        foreach (HttpHeaderField field in _fields)
        {
            if (string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(field.Value);
            }
        }

        return values;
    }

    /// <summary>
    /// The elements of a comma-separated list spread over every line with this name, trimmed, empty elements
    /// skipped (RFC 9110 §5.6.1). Elements are returned as written; no quoted-string handling.
    /// </summary>
    /// <param name="name">A field name, any case.</param>
    /// <returns>The list elements in order.</returns>
    public IReadOnlyList<string> GetListElements(string name)
    {
        var elements = new List<string>();
        foreach (HttpHeaderField field in _fields)
        {
            if (!string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (Range range in field.Value.AsSpan().Split(','))
            {
                ReadOnlySpan<char> element = HttpSyntax.TrimWhitespace(field.Value.AsSpan()[range]);
                if (!element.IsEmpty)
                {
                    elements.Add(element.ToString());
                }
            }
        }

        return elements;
    }

    /// <summary>Whether the comma-separated lists of this field contain <paramref name="token"/>, compared case-insensitively.</summary>
    /// <param name="name">A field name, any case (e.g. <c>Connection</c>).</param>
    /// <param name="token">The token to look for (e.g. <c>upgrade</c>).</param>
    /// <returns><see langword="true"/> if some list element equals the token.</returns>
    public bool ContainsToken(string name, string token)
    {
        foreach (HttpHeaderField field in _fields)
        {
            if (!string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            ReadOnlySpan<char> value = field.Value;
            foreach (Range range in value.Split(','))
            {
                if (HttpSyntax.TrimWhitespace(value[range]).Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<HttpHeaderField> GetEnumerator() => ((IEnumerable<HttpHeaderField>)_fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
