using System.Buffers;

namespace ActorWs.Protocol.Http;

/// <summary>
/// Incremental parser for an HTTP/1.1 request head (RFC 9112 §2–§5): feed it bytes in any split, one at a time if
/// need be, and it reports need-more, complete (with how many bytes of the last chunk belonged to the head), or a
/// precise error with the status code to answer (400, or 431 over the limits). It never throws on input.
/// </summary>
/// <remarks>
/// <para>
/// Line endings: every line must end in CRLF. A bare LF (not preceded by CR) is <b>rejected</b> with 400 rather than
/// tolerated (RFC 9112 §2.2 permits either): accepting it would let a front proxy that reads lines differently disagree
/// about where the head ends. A CR anywhere else is also rejected. Empty lines before the request line are skipped
/// (RFC 9112 §2.2). Obsolete line folding (a field line starting with SP or HTAB, RFC 9112 §5.2) is rejected with 400,
/// as is whitespace between a field name and its colon (RFC 9112 §5.1).
/// </para>
/// <para>
/// Limits: <see cref="HttpRequestHeadLimits.MaxHeadBytes"/> (default 8 KiB, counting every byte of the head including
/// line endings) and <see cref="HttpRequestHeadLimits.MaxHeaderFields"/> (default 100); exceeding either yields 431,
/// reported as soon as the excess bytes or the excess field arrives.
/// </para>
/// <para>
/// Memory: a buffer of <see cref="HttpRequestHeadLimits.MaxHeadBytes"/> is rented from the shared pool on the first
/// <see cref="Feed"/> and returned when the head completes or fails, on <see cref="Reset"/> and on <see cref="Dispose"/>.
/// </para>
/// <para>Thread safety: not thread-safe; one parser per connection, used by one thread at a time.</para>
/// </remarks>
public sealed partial class HttpRequestHeadParser : IDisposable
{
    private readonly HttpRequestHeadLimits _limits;
    private readonly List<HttpHeaderField> _fields = [];
    private byte[]? _buffer;
    private int _length;     // bytes of the head received so far
    private int _lineStart;  // where the line being received starts in the buffer
    private string? _method;
    private string? _target;
    private HttpProtocolVersion _version;
    private HttpHeadParseResult? _outcome;

    /// <summary>Creates a parser with the default limits (8 KiB, 100 fields).</summary>
    public HttpRequestHeadParser()
        : this(HttpRequestHeadLimits.Default)
    {
    }

    /// <summary>Creates a parser.</summary>
    /// <param name="limits">Size and field-count bounds.</param>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is null.</exception>
    public HttpRequestHeadParser(HttpRequestHeadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
    }

    /// <summary>The parsed head once <see cref="Feed"/> has returned <see cref="HttpHeadParseStatus.Complete"/>; otherwise null.</summary>
    public HttpRequestHead? Head => _outcome?.Head;

    /// <summary>Parses the next chunk of the request head.</summary>
    /// <param name="chunk">The next received bytes.</param>
    /// <returns>
    /// The status. Once complete or failed, the parser keeps that outcome and further calls return it again with
    /// <see cref="HttpHeadParseResult.Consumed"/> 0, until <see cref="Reset"/>.
    /// </returns>
    public HttpHeadParseResult Feed(ReadOnlySpan<byte> chunk)
    {
        if (_outcome is { } finished)
        {
            return finished with { Consumed = 0 };
        }

        _buffer ??= ArrayPool<byte>.Shared.Rent(_limits.MaxHeadBytes);
        int consumed = 0;
        while (consumed < chunk.Length)
        {
            ReadOnlySpan<byte> rest = chunk[consumed..];
            int lineFeed = rest.IndexOf(HttpSyntax.LineFeed);
            int take = lineFeed < 0 ? rest.Length : lineFeed + 1;
            if (_length + take > _limits.MaxHeadBytes)
            {
                return Finish(HttpHeadParseResult.Failed(HttpStatus.RequestHeaderFieldsTooLarge, "request head too large"));
            }

            rest[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
            consumed += take;
            if (lineFeed < 0)
            {
                break;
            }

            ReadOnlySpan<byte> line = _buffer.AsSpan(_lineStart, _length - _lineStart - 1);
            _lineStart = _length;
            if (line.IsEmpty || line[^1] != HttpSyntax.CarriageReturn)
            {
                return Finish(HttpHeadParseResult.Failed(HttpStatus.BadRequest, "bare LF line ending"));
            }

            LineOutcome outcome = ProcessLine(line[..^1], out string? error, out int errorStatus);
            if (outcome == LineOutcome.Failed)
            {
                return Finish(HttpHeadParseResult.Failed(errorStatus, error!));
            }

            if (outcome == LineOutcome.HeadComplete)
            {
                var head = new HttpRequestHead(_method!, _target!, _version, new HttpHeaderCollection(_fields));
                return Finish(HttpHeadParseResult.Completed(consumed, head));
            }
        }

        return HttpHeadParseResult.NeedMore(consumed);
    }

    /// <summary>Forgets everything so the parser can read another request head (e.g. the next keep-alive request).</summary>
    public void Reset()
    {
        ReturnBuffer();
        _fields.Clear();
        _length = 0;
        _lineStart = 0;
        _method = null;
        _target = null;
        _version = default;
        _outcome = null;
    }

    /// <summary>Returns the pooled buffer, if any.</summary>
    public void Dispose() => ReturnBuffer();

    private HttpHeadParseResult Finish(HttpHeadParseResult outcome)
    {
        _outcome = outcome;
        ReturnBuffer();
        return outcome;
    }

    private void ReturnBuffer()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private enum LineOutcome
    {
        Continue,
        HeadComplete,
        Failed,
    }
}
