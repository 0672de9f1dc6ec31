using System.Runtime.CompilerServices;
using ActorWs.Protocol.Text;

namespace ActorWs.Protocol.Frames;

/// <summary>
/// Decodes the frames one peer sends (RFC 6455 §5) from bytes in any split, validating every rule of the base
/// framing protocol, reassembling fragmented messages, unmasking in place and validating text as UTF-8 as it
/// arrives. It never throws on input: broken input yields a <see cref="WebSocketFrameEventKind.ProtocolError"/>
/// event naming the rule and the close code.
/// </summary>
/// <remarks>
/// <para>
/// Usage: after each socket read, call <see cref="Read"/> repeatedly on the not-yet-consumed bytes until it returns
/// <see cref="WebSocketFrameEventKind.NeedMoreData"/> (every byte has then been absorbed and the read buffer may be
/// reused or returned) or <see cref="WebSocketFrameEventKind.ProtocolError"/> (fail the connection).
/// Input is modified in place (unmasking).
/// </para>
/// <para>
/// Memory: the reader's own state is a few dozen bytes. It holds a pooled buffer only while a message or control
/// frame is incomplete and cannot be delivered from the caller's input; a buffer whose contents were delivered is
/// returned to <see cref="System.Buffers.ArrayPool{T}.Shared"/> on the next <see cref="Read"/> call, so once
/// <see cref="WebSocketFrameEventKind.NeedMoreData"/> is returned between messages it holds none.
/// In steady state it allocates nothing.
/// </para>
/// <para>
/// Thread safety: not thread-safe; one reader per connection, used by one thread (or actor) at a time.
/// </para>
/// </remarks>
public sealed partial class WebSocketFrameReader : IDisposable
{
    private int _maxMessageSize;
    private int _payloadRemaining;   // bytes of the current frame's payload not read yet
    private int _messageBytes;       // payload bytes of the current message read so far, excluding the current piece
    private uint _maskKey;
    private byte[]? _messageBuffer;  // reassembly buffer, only while a message is incomplete or just delivered from it
    private byte[]? _controlBuffer;  // only while a control frame is split across reads or just delivered from it
    private IMessageBufferBudget? _budget; // null: reassembly buffers come from ArrayPool<byte>.Shared
    private HeaderBytes _header;     // header bytes of a frame whose header is split across reads
    private byte _headerCount;
    private byte _controlCount;
    private byte _frameFirstByte;    // FIN, RSV and opcode of the frame in progress
    private byte _messageOpcode;     // 0 when no data message is in progress
    private byte _maskOffset;
    private ReadStage _stage;
    private ReaderFlags _flags;
    private WebSocketProtocolViolation _fault;
    private Utf8Validator _utf8;

    /// <summary>Creates a server-side reader with the default options.</summary>
    public WebSocketFrameReader()
        : this(WebSocketFrameReaderOptions.Default)
    {
    }

    /// <summary>Creates a reader.</summary>
    /// <param name="options">Role, size limit, RSV1 and delivery settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public WebSocketFrameReader(WebSocketFrameReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxMessageSize = options.MaxMessageSize;
        if (options.Role == WebSocketRole.Server)
        {
            _flags |= ReaderFlags.ExpectMasked;
        }

        if (options.AllowRsv1)
        {
            _flags |= ReaderFlags.AllowRsv1;
        }

        if (options.ReassembleMessages)
        {
            _flags |= ReaderFlags.Reassemble;
        }
    }

    /// <summary>
    /// The largest message accepted, in bytes; changes apply from the next frame header. Default from the options.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above <see cref="Array.MaxLength"/>.</exception>
    public int MaxMessageSize
    {
        get => _maxMessageSize;
        set => _maxMessageSize = WebSocketFrameReaderOptions.ValidateMaxMessageSize(value);
    }

    /// <summary>
    /// Rents and takes back the reassembly buffer (null, the default: <see cref="System.Buffers.ArrayPool{T}.Shared"/>
    /// without a limit). When it refuses, <see cref="Read"/> fails with <see cref="WebSocketProtocolViolation.MessageCannotBeHeld"/>
    /// (1013). Set it before the first frame; control-frame buffers (at most 125 bytes) always come from the shared pool.
    /// </summary>
    public IMessageBufferBudget? Budget
    {
        get => _budget;
        set => _budget = value;
    }

    /// <summary>
    /// Gives up on the input: any partial message is dropped and its buffer returned now (and released to the
    /// <see cref="Budget"/>), and every later <see cref="Read"/> reports <paramref name="violation"/>. A server uses it to
    /// free a connection's memory at once when it must shed load, before the connection has finished closing.
    /// </summary>
    /// <param name="violation">What later reads report; not <see cref="WebSocketProtocolViolation.None"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="violation"/> is <see cref="WebSocketProtocolViolation.None"/>.</exception>
    public void Abandon(WebSocketProtocolViolation violation)
    {
        if (violation == WebSocketProtocolViolation.None)
        {
            throw new ArgumentOutOfRangeException(nameof(violation), violation, "A violation is required.");
        }
        if (_fault == WebSocketProtocolViolation.None)
        {
            Fail(violation);
        }
    }

    /// <summary>Whether RSV1 is accepted on the first frame of a data message; set it once permessage-deflate is negotiated.</summary>
    public bool AllowRsv1
    {
        get => Has(ReaderFlags.AllowRsv1);
        set => Set(ReaderFlags.AllowRsv1, value);
    }

    /// <summary>Whether a data message has started and not yet been completed.</summary>
    public bool IsMessageInProgress => _messageOpcode != 0;

    /// <summary>
    /// Whether the input so far ends inside something unfinished: a data message not yet completed, or any frame (data or
    /// control) whose header or payload is only partly read. A server uses it to put a deadline on completing what began.
    /// </summary>
    public bool IsIncomplete => _messageOpcode != 0 || _stage != ReadStage.Header || _headerCount != 0;

    /// <summary>Whether a valid Close frame has been read; any further frame is a protocol error.</summary>
    public bool IsCloseReceived => Has(ReaderFlags.CloseReceived);

    /// <summary>The violation that failed the reader, or <see cref="WebSocketProtocolViolation.None"/>.</summary>
    public WebSocketProtocolViolation Fault => _fault;

    /// <summary>Whether the reader currently holds any pooled buffer (for diagnostics and tests).</summary>
    public bool HoldsBuffer => _messageBuffer is not null || _controlBuffer is not null;

    /// <summary>
    /// Decodes from <paramref name="input"/> until one event is complete or the input is used up.
    /// </summary>
    /// <param name="input">
    /// The next received bytes that were not consumed by a previous call. They are unmasked in place, and a
    /// delivered payload may point into them.
    /// </param>
    /// <param name="consumed">
    /// How many bytes of <paramref name="input"/> were used; call again with the rest. Equals <c>input.Length</c>
    /// when the result is <see cref="WebSocketFrameEventKind.NeedMoreData"/>, and 0 when the reader had already failed.
    /// </param>
    /// <returns>
    /// The event. Its payload stays valid until <paramref name="input"/>'s memory is reused or this reader is called again.
    /// After a <see cref="WebSocketFrameEventKind.ProtocolError"/> every call returns the same error.
    /// </returns>
    public WebSocketFrameEvent Read(Span<byte> input, out int consumed)
    {
        ReleaseDeliveredBuffers();
        if (_fault != WebSocketProtocolViolation.None)
        {
            consumed = 0;
            return WebSocketFrameEvent.Error(_fault);
        }

        int position = 0;
        while (true)
        {
            WebSocketFrameEvent result;
            if (_stage == ReadStage.Header)
            {
                if (position == input.Length)
                {
                    consumed = position;
                    return WebSocketFrameEvent.NeedMoreData;
                }

                WebSocketProtocolViolation violation = ReadHeader(input, ref position);
                if (violation != WebSocketProtocolViolation.None)
                {
                    consumed = position;
                    return Fail(violation);
                }

                continue;
            }

            result = _stage == ReadStage.DataPayload
                ? ReadDataPayload(input, ref position)
                : ReadControlPayload(input, ref position);

            if (result.Kind != WebSocketFrameEventKind.NeedMoreData)
            {
                consumed = position;
                return result;
            }

            if (_stage != ReadStage.Header)
            {
                // The frame's payload continues in a later read; everything here has been absorbed.
                consumed = position;
                return WebSocketFrameEvent.NeedMoreData;
            }
        }
    }

    /// <summary>Returns any pooled buffer. The reader must not be used afterwards.</summary>
    public void Dispose()
    {
        ReturnMessageBuffer();
        ReturnControlBuffer();
        _flags &= ~(ReaderFlags.ReleaseMessageBuffer | ReaderFlags.ReleaseControlBuffer);
    }

    private WebSocketFrameEvent ReadDataPayload(Span<byte> input, scoped ref int position)
    {
        int available = Math.Min(_payloadRemaining, input.Length - position);
        Span<byte> piece = input.Slice(position, available);
        position += available;
        _payloadRemaining -= available;

        bool validateText = _messageOpcode == (byte)WebSocketOpcode.Text && !Has(ReaderFlags.MessageCompressed);
        if (available > 0)
        {
            if (Has(ReaderFlags.FrameMasked))
            {
                _maskOffset = (byte)WebSocketMask.Apply(piece, _maskKey, _maskOffset);
            }

            // Fail fast: an invalid sequence is reported with the bytes that make it invalid, before the
            // rest of the frame or message arrives.
            if (validateText && !_utf8.Append(piece))
            {
                return Fail(WebSocketProtocolViolation.InvalidUtf8);
            }
        }

        bool frameComplete = _payloadRemaining == 0;
        bool messageComplete = frameComplete && (_frameFirstByte & WebSocketFrameLimits.FinBit) != 0;
        if (messageComplete && validateText && !_utf8.IsAtCharacterBoundary)
        {
            return Fail(WebSocketProtocolViolation.InvalidUtf8);
        }

        if (frameComplete)
        {
            _stage = ReadStage.Header;
        }

        var opcode = (WebSocketOpcode)_messageOpcode;
        bool compressed = Has(ReaderFlags.MessageCompressed);
        if (!Has(ReaderFlags.Reassemble))
        {
            _messageBytes += available;
            if (messageComplete)
            {
                EndMessage();
                return WebSocketFrameEvent.Message(opcode, piece, endOfMessage: true, compressed);
            }

            return available > 0
                ? WebSocketFrameEvent.Message(opcode, piece, endOfMessage: false, compressed)
                : WebSocketFrameEvent.NeedMoreData;
        }

        if (messageComplete && _messageBytes == 0)
        {
            // The whole message is this one piece of the caller's input: deliver it in place, no copy.
            EndMessage();
            return WebSocketFrameEvent.Message(opcode, piece, endOfMessage: true, compressed);
        }

        if (!AppendToMessageBuffer(piece))
        {
            return Fail(WebSocketProtocolViolation.MessageCannotBeHeld);
        }

        if (!messageComplete)
        {
            return WebSocketFrameEvent.NeedMoreData;
        }

        Span<byte> message = _messageBuffer.AsSpan(0, _messageBytes);
        _flags |= ReaderFlags.ReleaseMessageBuffer;
        EndMessage();
        return WebSocketFrameEvent.Message(opcode, message, endOfMessage: true, compressed);
    }

    private WebSocketFrameEvent ReadControlPayload(Span<byte> input, scoped ref int position)
    {
        Span<byte> payload;
        int available = input.Length - position;
        if (_controlCount == 0 && available >= _payloadRemaining)
        {
            payload = input.Slice(position, _payloadRemaining);
            position += _payloadRemaining;
            if (Has(ReaderFlags.FrameMasked))
            {
                WebSocketMask.Apply(payload, _maskKey, 0);
            }
        }
        else
        {
            int take = Math.Min(_payloadRemaining, available);
            Span<byte> target = RentControlBuffer().AsSpan(_controlCount, take);
            input.Slice(position, take).CopyTo(target);
            position += take;
            if (Has(ReaderFlags.FrameMasked))
            {
                _maskOffset = (byte)WebSocketMask.Apply(target, _maskKey, _maskOffset);
            }

            _controlCount += (byte)take;
            _payloadRemaining -= take;
            if (_payloadRemaining > 0)
            {
                return WebSocketFrameEvent.NeedMoreData;
            }

            payload = _controlBuffer.AsSpan(0, _controlCount);
            _controlCount = 0;
            _flags |= ReaderFlags.ReleaseControlBuffer;
        }

        _payloadRemaining = 0;
        _stage = ReadStage.Header;
        switch ((WebSocketOpcode)(_frameFirstByte & WebSocketFrameLimits.OpcodeBits))
        {
            case WebSocketOpcode.Ping:
                return WebSocketFrameEvent.Control(WebSocketFrameEventKind.Ping, WebSocketOpcode.Ping, payload, 0);
            case WebSocketOpcode.Pong:
                return WebSocketFrameEvent.Control(WebSocketFrameEventKind.Pong, WebSocketOpcode.Pong, payload, 0);
            default:
                WebSocketProtocolViolation violation = CloseFramePayload.TryParse(payload, out ushort code, out _);
                if (violation != WebSocketProtocolViolation.None)
                {
                    return Fail(violation);
                }

                _flags |= ReaderFlags.CloseReceived;
                return WebSocketFrameEvent.Control(WebSocketFrameEventKind.Close, WebSocketOpcode.Close, payload, code);
        }
    }

    private void EndMessage()
    {
        _messageOpcode = 0;
        _messageBytes = 0;
        _flags &= ~ReaderFlags.MessageCompressed;
    }

    private WebSocketFrameEvent Fail(WebSocketProtocolViolation violation)
    {
        _fault = violation;
        // Nothing delivered refers to the buffers any more, so they can go back to the pool right away.
        ReturnMessageBuffer();
        ReturnControlBuffer();
        _flags &= ~(ReaderFlags.ReleaseMessageBuffer | ReaderFlags.ReleaseControlBuffer);
        return WebSocketFrameEvent.Error(violation);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Has(ReaderFlags flag) => (_flags & flag) != 0;

    private void Set(ReaderFlags flag, bool value) => _flags = value ? _flags | flag : _flags & ~flag;

    private enum ReadStage : byte
    {
        Header = 0,
        DataPayload,
        ControlPayload,
    }

    [Flags]
    private enum ReaderFlags : byte
    {
        None = 0,
        ExpectMasked = 1 << 0,
        AllowRsv1 = 1 << 1,
        Reassemble = 1 << 2,
        FrameMasked = 1 << 3,
        MessageCompressed = 1 << 4,
        CloseReceived = 1 << 5,
        ReleaseMessageBuffer = 1 << 6,
        ReleaseControlBuffer = 1 << 7,
    }
}
