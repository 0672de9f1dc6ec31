using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ActorWs.Protocol.Http;

/// <summary>
/// Computes <c>Sec-WebSocket-Accept</c> (RFC 6455 §4.2.2 item 5.4): base64( SHA-1( key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" ) ),
/// and checks that a <c>Sec-WebSocket-Key</c> is well formed.
/// </summary>
/// <remarks>Thread safety: pure functions.</remarks>
public static class WebSocketAccept
{
    private const int Sha1Length = 20;
    private const int StackLimit = 256;
    private const int LastKeyCharIndex = 21; // of the 22 data characters; it carries 2 data bits and 4 padding bits

    /// <summary>Computes the accept value for a key (the key as sent, without surrounding whitespace).</summary>
    /// <param name="key">The <c>Sec-WebSocket-Key</c> value; characters are taken as ISO-8859-1 bytes.</param>
    /// <returns>The 28-character accept value.</returns>
    public static string ComputeAcceptValue(ReadOnlySpan<char> key)
    {
        Span<char> accept = stackalloc char[WebSocketHandshakeConstants.AcceptEncodedLength];
        WriteAcceptValue(key, accept);
        return new string(accept);
    }

    /// <summary>Writes the 28-character accept value for a key into <paramref name="destination"/>.</summary>
    /// <param name="key">The <c>Sec-WebSocket-Key</c> value.</param>
    /// <param name="destination">At least 28 characters.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 28 characters.</exception>
    public static void WriteAcceptValue(ReadOnlySpan<char> key, Span<char> destination)
    {
        if (destination.Length < WebSocketHandshakeConstants.AcceptEncodedLength)
        {
            throw new ArgumentException("The accept value needs 28 characters.", nameof(destination));
        }

        // WebSocketHandshakeConstants.AcceptGuid as bytes, without allocating.
        ReadOnlySpan<byte> guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;
        int total = Encoding.Latin1.GetByteCount(key) + guid.Length;
        byte[]? rented = total > StackLimit ? ArrayPool<byte>.Shared.Rent(total) : null;
        Span<byte> input = rented is null ? stackalloc byte[StackLimit] : rented;
        int keyBytes = Encoding.Latin1.GetBytes(key, input);
        guid.CopyTo(input[keyBytes..]);

        Span<byte> hash = stackalloc byte[Sha1Length];
        SHA1.HashData(input[..total], hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        Convert.TryToBase64Chars(hash, destination, out _);
    }

    /// <summary>
    /// Whether a <c>Sec-WebSocket-Key</c> is the canonical base64 encoding of exactly 16 bytes (§4.1 item 7, §4.2.1 item 5):
    /// 22 base64 characters, then <c>==</c>, with the unused low bits of the last character zero. No whitespace inside.
    /// </summary>
    /// <param name="key">The field value, already trimmed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidKey(ReadOnlySpan<char> key)
    {
        if (key.Length != WebSocketHandshakeConstants.KeyEncodedLength || key[22] != '=' || key[23] != '=')
        {
            return false;
        }

        for (int i = 0; i < 22; i++)
        {
            if (Base64Value(key[i]) < 0)
            {
                return false;
            }
        }

        // 16 bytes = 128 bits = 21 full characters (126 bits) + 2 bits; the last character's 4 low bits are padding.
        return (Base64Value(key[LastKeyCharIndex]) & 0x0F) == 0;
    }

    private static int Base64Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        _ => -1,
    };
}
