using System.Text;

namespace ActorWs.Protocol.Http;

/// <summary>
/// Writes the server's side of the opening handshake into a caller's buffer: the 101 Switching Protocols response
/// (RFC 6455 §4.2.2 item 5) or the error response for a <see cref="HandshakeRejection"/>.
/// </summary>
/// <remarks>
/// <para>
/// A rejection is written as <c>text/plain; charset=utf-8</c> with the reason as body, <c>Content-Length</c>,
/// <c>Connection: close</c> and the rejection's extra fields (see <see cref="HttpResponseWriter"/>).
/// </para>
/// <para>Thread safety: pure functions.</para>
/// </remarks>
public static class HandshakeResponseWriter
{
    /// <summary>The content type of rejection bodies.</summary>
    public const string RejectionContentType = "text/plain; charset=utf-8";

    /// <summary>The exact length of the 101 response.</summary>
    /// <param name="acceptValue">The <c>Sec-WebSocket-Accept</c> value (see <see cref="WebSocketUpgradeRequest.AcceptValue"/>).</param>
    /// <param name="subprotocol">The negotiated subprotocol, or null for none.</param>
    /// <param name="extensions">The <c>Sec-WebSocket-Extensions</c> response value, or null for none.</param>
    /// <returns>The length in bytes.</returns>
    /// <exception cref="ArgumentException">A value that is not writable, or a subprotocol that is not a token.</exception>
    public static int GetSwitchingProtocolsLength(string acceptValue, string? subprotocol = null, string? extensions = null)
    {
        var builder = new ResponseTextBuilder(default);
        BuildSwitchingProtocols(ref builder, acceptValue, subprotocol, extensions);
        return builder.Length;
    }

    /// <summary>Writes the 101 Switching Protocols response.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="acceptValue">The <c>Sec-WebSocket-Accept</c> value.</param>
    /// <param name="subprotocol">The negotiated subprotocol, or null for none.</param>
    /// <param name="extensions">The <c>Sec-WebSocket-Extensions</c> response value, or null for none.</param>
    /// <param name="bytesWritten">The bytes written, or 0 when it does not fit.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="ArgumentException">A value that is not writable, or a subprotocol that is not a token.</exception>
    public static bool TryWriteSwitchingProtocols(Span<byte> destination, string acceptValue, string? subprotocol, string? extensions, out int bytesWritten)
    {
        var builder = new ResponseTextBuilder(destination);
        BuildSwitchingProtocols(ref builder, acceptValue, subprotocol, extensions);
        bytesWritten = builder.Fits ? builder.Length : 0;
        return builder.Fits;
    }

    /// <summary>The exact length of the error response for a rejection.</summary>
    /// <param name="rejection">The rejection.</param>
    /// <param name="date">The <c>Date</c> to send, or null.</param>
    /// <returns>The length in bytes.</returns>
    public static int GetRejectionLength(HandshakeRejection rejection, DateTimeOffset? date = null)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return HttpResponseWriter.GetHeadLength(RejectionHead(rejection, date)) + Encoding.UTF8.GetByteCount(rejection.Reason);
    }

    /// <summary>Writes the error response for a rejection: status, headers, reason as body.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="rejection">The rejection.</param>
    /// <param name="bytesWritten">The bytes written, or 0 when it does not fit.</param>
    /// <param name="date">The <c>Date</c> to send, or null.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="ArgumentException">An extra header that is not writable.</exception>
    public static bool TryWriteRejection(Span<byte> destination, HandshakeRejection rejection, out int bytesWritten, DateTimeOffset? date = null)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        byte[] body = Encoding.UTF8.GetBytes(rejection.Reason);
        return HttpResponseWriter.TryWriteResponse(destination, RejectionHead(rejection, date) with { ContentLength = body.Length }, body, out bytesWritten);
    }

    private static HttpResponseHead RejectionHead(HandshakeRejection rejection, DateTimeOffset? date) =>
        new(rejection.StatusCode, Encoding.UTF8.GetByteCount(rejection.Reason), keepAlive: false)
        {
            ContentType = RejectionContentType,
            Date = date,
            ExtraHeaders = rejection.ExtraHeaders,
        };

    private static void BuildSwitchingProtocols(ref ResponseTextBuilder builder, string acceptValue, string? subprotocol, string? extensions)
    {
        ArgumentNullException.ThrowIfNull(acceptValue);
        HttpResponseWriter.ValidateField(HttpHeaderNames.SecWebSocketAccept, acceptValue);
        if (subprotocol is not null && !HttpSyntax.IsToken(subprotocol.AsSpan()))
        {
            throw new ArgumentException("A subprotocol must be a token.", nameof(subprotocol));
        }

        if (extensions is not null)
        {
            HttpResponseWriter.ValidateField(HttpHeaderNames.SecWebSocketExtensions, extensions);
        }

        builder.AppendStatusLine(HttpStatus.SwitchingProtocols);
        builder.Append("Upgrade: websocket\r\nConnection: Upgrade\r\n"u8);
        builder.AppendHeader("Sec-WebSocket-Accept"u8, acceptValue);
        if (subprotocol is not null)
        {
            builder.AppendHeader("Sec-WebSocket-Protocol"u8, subprotocol);
        }

        if (extensions is not null)
        {
            builder.AppendHeader("Sec-WebSocket-Extensions"u8, extensions);
        }

        builder.Append("\r\n"u8);
    }
}
