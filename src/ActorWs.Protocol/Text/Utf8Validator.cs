using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace ActorWs.Protocol.Text;

/// <summary>
/// Incremental, fail-fast validator for UTF-8 text that arrives in arbitrary pieces
/// (RFC 6455 §8.1: a text message must be valid UTF-8 as a whole; §5.6 allows a code point
/// to be split across fragments, and reads split it further).
/// </summary>
/// <remarks>
/// <para>
/// Fail-fast means a byte sequence is rejected as soon as the bytes that make it invalid have been
/// appended: <c>E0 80</c> (overlong), <c>ED A0</c> (surrogate), <c>F4 90</c> (above U+10FFFF),
/// <c>C0</c>, <c>F5</c> or a stray continuation byte are reported by the call that delivers them,
/// even if the sequence is not finished yet. A sequence that is merely incomplete at the end of a
/// piece is carried over to the next call.
/// </para>
/// <para>
/// Thread safety: a mutable struct with no shared state; use one instance per text stream from one
/// thread at a time, and keep it in a field (calling through a copy loses the carried state).
/// </para>
/// </remarks>
public struct Utf8Validator
{
    // States of the byte-level automaton (Unicode Table 3-7, well-formed UTF-8 byte sequences).
    private const byte AtBoundary = 0;
    private const byte NeedOneContinuation = 1;
    private const byte NeedTwoContinuations = 2;
    private const byte NeedThreeContinuations = 3;
    private const byte AfterE0 = 4; // second byte must be A0..BF: anything lower is an overlong 3-byte form
    private const byte AfterED = 5; // second byte must be 80..9F: anything higher encodes a UTF-16 surrogate
    private const byte AfterF0 = 6; // second byte must be 90..BF: anything lower is an overlong 4-byte form
    private const byte AfterF4 = 7; // second byte must be 80..8F: anything higher is beyond U+10FFFF
    private const byte Rejected = 8;

    /// <summary>The longest UTF-8 encoding of one scalar value, in bytes.</summary>
    public const int MaxSequenceLength = 4;

    private byte _state;

    /// <summary>
    /// <see langword="true"/> when every byte appended so far forms complete, valid characters:
    /// the text may end here. <see langword="false"/> while a character is incomplete or after a failure.
    /// </summary>
    public readonly bool IsAtCharacterBoundary => _state == AtBoundary;

    /// <summary><see langword="true"/> once an invalid sequence has been seen; stays set until <see cref="Reset"/>.</summary>
    public readonly bool HasFailed => _state == Rejected;

    /// <summary>Forgets all carried state so the validator can start a new text.</summary>
    public void Reset() => _state = AtBoundary;

    /// <summary>
    /// Validates the next piece of the text, continuing any character left incomplete by the previous piece.
    /// </summary>
    /// <param name="bytes">The next bytes of the text, in order.</param>
    /// <returns>
    /// <see langword="false"/> as soon as the bytes seen so far cannot be the start of valid UTF-8
    /// (the validator then stays failed); <see langword="true"/> otherwise. Call
    /// <see cref="IsAtCharacterBoundary"/> at the end of the text to reject a truncated last character.
    /// </returns>
    public bool Append(ReadOnlySpan<byte> bytes)
    {
        byte state = _state;
        if (state == Rejected)
        {
            return false;
        }

        int index = 0;
        // Finish a character carried over from the previous piece, byte by byte (at most 3 bytes).
        while (state != AtBoundary && index < bytes.Length)
        {
            state = Step(state, bytes[index++]);
            if (state == Rejected)
            {
                _state = Rejected;
                return false;
            }
        }

        ReadOnlySpan<byte> rest = bytes[index..];
        if (rest.IsEmpty)
        {
            _state = state;
            return true;
        }

        // Bulk path: the framework's vectorized validator checks everything up to a possibly
        // incomplete last character; the automaton then checks that tail so an invalid prefix of a
        // character (e.g. "ED A0") fails now instead of when the next piece arrives.
        int tailStart = IncompleteTailStart(rest);
        if (!Utf8.IsValid(rest[..tailStart]))
        {
            _state = Rejected;
            return false;
        }

        for (int i = tailStart; i < rest.Length; i++)
        {
            state = Step(state, rest[i]);
            if (state == Rejected)
            {
                _state = Rejected;
                return false;
            }
        }

        _state = state;
        return true;
    }

    /// <summary>
    /// Where a character that is cut off by the end of <paramref name="bytes"/> begins, or
    /// <c>bytes.Length</c> when the last character is complete (or the bytes are invalid anyway,
    /// which the bulk check will report).
    /// </summary>
    private static int IncompleteTailStart(ReadOnlySpan<byte> bytes)
    {
        int length = bytes.Length;
        int lookBack = Math.Min(MaxSequenceLength - 1, length);
        for (int back = 1; back <= lookBack; back++)
        {
            byte b = bytes[length - back];
            if (b < 0x80)
            {
                return length;
            }

            if (b >= 0xC0)
            {
                return SequenceLength(b) > back ? length - back : length;
            }
        }

        return length;
    }

    /// <summary>The length a lead byte announces (1 for bytes that cannot lead a multi-byte character).</summary>
    private static int SequenceLength(byte lead) => lead switch
    {
        >= 0xF0 => 4,
        >= 0xE0 => 3,
        >= 0xC0 => 2,
        _ => 1,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;

    private static byte Step(byte state, byte b) => state switch
    {
        AtBoundary => b switch
        {
            < 0x80 => AtBoundary,
            < 0xC2 => Rejected, // continuation byte without a lead, or C0/C1 (overlong 2-byte forms)
            < 0xE0 => NeedOneContinuation,
            0xE0 => AfterE0,
            0xED => AfterED,
            < 0xF0 => NeedTwoContinuations,
            0xF0 => AfterF0,
            < 0xF4 => NeedThreeContinuations,
            0xF4 => AfterF4,
            _ => Rejected, // F5..FF never appear in UTF-8
        },
        NeedOneContinuation => IsContinuation(b) ? AtBoundary : Rejected,
        NeedTwoContinuations => IsContinuation(b) ? NeedOneContinuation : Rejected,
        NeedThreeContinuations => IsContinuation(b) ? NeedTwoContinuations : Rejected,
        AfterE0 => b is >= 0xA0 and <= 0xBF ? NeedOneContinuation : Rejected,
        AfterED => b is >= 0x80 and <= 0x9F ? NeedOneContinuation : Rejected,
        AfterF0 => b is >= 0x90 and <= 0xBF ? NeedTwoContinuations : Rejected,
        AfterF4 => b is >= 0x80 and <= 0x8F ? NeedTwoContinuations : Rejected,
        _ => Rejected,
    };
}
