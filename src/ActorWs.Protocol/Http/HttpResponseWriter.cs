namespace ActorWs.Protocol.Http;

/// <summary>
/// Writes HTTP/1.1 responses into a caller's buffer for the plain-HTTP side of the server (<c>/health</c>, 404, 405 …)
/// and for handshake rejections.
/// </summary>
/// <remarks>
/// <para>
/// Layout: status line; <c>Date</c>; <c>Content-Type</c>; <c>Content-Length</c> (not for 1xx/204);
/// <c>Connection: close</c> when not keeping alive — or <c>Connection: Upgrade, close</c> when an extra <c>Upgrade</c>
/// field is present, because RFC 9110 §7.8 requires the <c>upgrade</c> option to accompany it; then the extra fields.
/// </para>
/// <para>
/// Values come from the server's own code, so header names that are not tokens, or values with characters other than
/// visible ASCII, space and tab (which could split the response), throw <see cref="ArgumentException"/>.
/// </para>
/// <para>Thread safety: pure functions; safe from any thread on distinct buffers.</para>
/// </remarks>
public static class HttpResponseWriter
{
    private const int MinStatusCode = 100;
    private const int MaxStatusCode = 999;

    /// <summary>The exact length of the head <see cref="TryWriteHead"/> writes.</summary>
    /// <param name="head">The response head.</param>
    /// <returns>The length in bytes.</returns>
    /// <exception cref="ArgumentException">Invalid status code, header name or value.</exception>
    public static int GetHeadLength(HttpResponseHead head)
    {
        var builder = new ResponseTextBuilder(default);
        Build(ref builder, head);
        return builder.Length;
    }

    /// <summary>Writes the response head (through the empty line).</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="head">The response head.</param>
    /// <param name="bytesWritten">The bytes written, or 0 when it does not fit.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small (see <see cref="GetHeadLength"/>); nothing useful is written then.</returns>
    /// <exception cref="ArgumentException">Invalid status code, header name or value.</exception>
    public static bool TryWriteHead(Span<byte> destination, HttpResponseHead head, out int bytesWritten)
    {
        var builder = new ResponseTextBuilder(destination);
        Build(ref builder, head);
        bytesWritten = builder.Fits ? builder.Length : 0;
        return builder.Fits;
    }

    /// <summary>The exact length of a whole response written by <see cref="TryWriteResponse(Span{byte}, int, string?, ReadOnlySpan{byte}, bool, out int)"/>.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <param name="contentType">The content type, or null.</param>
    /// <param name="bodyLength">The body length.</param>
    /// <param name="keepAlive">Whether the connection stays open.</param>
    /// <returns>The length in bytes.</returns>
    /// <exception cref="ArgumentException">Invalid status code or content type.</exception>
    public static int GetResponseLength(int statusCode, string? contentType, int bodyLength, bool keepAlive) =>
        GetHeadLength(new HttpResponseHead(statusCode, bodyLength, keepAlive) { ContentType = contentType }) + bodyLength;

    /// <summary>Writes a whole response: head, then <paramref name="body"/>.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="statusCode">The status code.</param>
    /// <param name="contentType">The content type, or null.</param>
    /// <param name="body">The body.</param>
    /// <param name="keepAlive">Whether the connection stays open.</param>
    /// <param name="bytesWritten">The bytes written, or 0 when it does not fit.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="ArgumentException">Invalid status code or content type.</exception>
    public static bool TryWriteResponse(Span<byte> destination, int statusCode, string? contentType, ReadOnlySpan<byte> body, bool keepAlive, out int bytesWritten) =>
        TryWriteResponse(destination, new HttpResponseHead(statusCode, body.Length, keepAlive) { ContentType = contentType }, body, out bytesWritten);

    /// <summary>Writes a whole response from a head (whose <see cref="HttpResponseHead.ContentLength"/> must equal the body length) and a body.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="head">The response head.</param>
    /// <param name="body">The body.</param>
    /// <param name="bytesWritten">The bytes written, or 0 when it does not fit.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="ArgumentException">Invalid head, or a content length that differs from the body length.</exception>
    public static bool TryWriteResponse(Span<byte> destination, HttpResponseHead head, ReadOnlySpan<byte> body, out int bytesWritten)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (head.ContentLength != body.Length && HasBody(head.StatusCode))
        {
            throw new ArgumentException("ContentLength must equal the body length.", nameof(head));
        }

        var builder = new ResponseTextBuilder(destination);
        Build(ref builder, head);
        builder.Append(body);
        bytesWritten = builder.Fits ? builder.Length : 0;
        return builder.Fits;
    }

    private static bool HasBody(int statusCode) => statusCode >= 200 && statusCode != HttpStatus.NoContent;

    private static void Build(ref ResponseTextBuilder builder, HttpResponseHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (head.StatusCode is < MinStatusCode or > MaxStatusCode)
        {
            throw new ArgumentException("The status code must have three digits.", nameof(head));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(head.ContentLength);
        bool offersUpgrade = false;
        foreach (HttpHeaderField field in head.ExtraHeaders)
        {
            ValidateField(field.Name, field.Value);
            offersUpgrade |= string.Equals(field.Name, HttpHeaderNames.Upgrade, StringComparison.OrdinalIgnoreCase);
        }

        builder.AppendStatusLine(head.StatusCode);
        if (head.Date is { } date)
        {
            // IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
            builder.AppendHeader("Date"u8, date.ToUniversalTime().ToString("r", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (head.ContentType is { } contentType)
        {
            ValidateField(HttpHeaderNames.ContentType, contentType);
            builder.AppendHeader("Content-Type"u8, contentType);
        }

        if (HasBody(head.StatusCode))
        {
            builder.Append("Content-Length: "u8);
            builder.Append(head.ContentLength);
            builder.Append("\r\n"u8);
        }

        if (!head.KeepAlive)
        {
            builder.Append(offersUpgrade ? "Connection: Upgrade, close\r\n"u8 : "Connection: close\r\n"u8);
        }

        foreach (HttpHeaderField field in head.ExtraHeaders)
        {
            builder.AppendHeader(field.Name, field.Value);
        }

        builder.Append("\r\n"u8);
    }

    internal static void ValidateField(string name, string value)
    {
        if (!HttpSyntax.IsToken(name.AsSpan()))
        {
            throw new ArgumentException($"'{name}' is not a valid header field name.", nameof(name));
        }

        if (!HttpSyntax.IsWritableFieldValue(value))
        {
            throw new ArgumentException($"The value of '{name}' contains characters that may not be written.", nameof(value));
        }
    }
}
