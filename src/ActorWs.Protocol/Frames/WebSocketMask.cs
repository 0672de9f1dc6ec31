using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ActorWs.Protocol.Frames;

/// <summary>
/// The RFC 6455 §5.3 masking transform (XOR with a 4-byte key), vectorized, for payloads delivered in
/// any number of pieces: the returned offset carries the key position into the next piece.
/// </summary>
/// <remarks>
/// <para>
/// A mask key is passed as a <see cref="uint"/> holding the four key bytes in wire order, first byte in the
/// least significant position (that is, <see cref="BinaryPrimitives.ReadUInt32LittleEndian(ReadOnlySpan{byte})"/>
/// of the four bytes on the wire; see <see cref="ReadKey"/> and <see cref="WriteKey"/>).
/// </para>
/// <para>Thread safety: pure functions; safe from any thread on distinct data.</para>
/// </remarks>
public static class WebSocketMask
{
    private const int KeyLength = WebSocketFrameLimits.MaskKeyLength;
    private const int KeyPositionMask = KeyLength - 1;

    /// <summary>Reads a mask key from the four bytes that follow the length in a frame header.</summary>
    /// <param name="wireBytes">At least four bytes; the first four are the key.</param>
    /// <returns>The key in the form the other members take.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wireBytes"/> is shorter than four bytes.</exception>
    public static uint ReadKey(ReadOnlySpan<byte> wireBytes) => BinaryPrimitives.ReadUInt32LittleEndian(wireBytes);

    /// <summary>Writes a mask key as its four wire bytes.</summary>
    /// <param name="destination">At least four bytes.</param>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is shorter than four bytes.</exception>
    public static void WriteKey(Span<byte> destination, uint key) => BinaryPrimitives.WriteUInt32LittleEndian(destination, key);

    /// <summary>
    /// Masks or unmasks <paramref name="data"/> in place (the transform is its own inverse).
    /// </summary>
    /// <param name="data">Payload bytes; any length and alignment.</param>
    /// <param name="key">The mask key (see the type remarks for its byte order).</param>
    /// <param name="keyOffset">
    /// The position in the key of <paramref name="data"/>'s first byte: 0 for the start of a payload, or the
    /// value returned for the previous piece. Only the low two bits are used.
    /// </param>
    /// <returns>The key position for the byte that follows <paramref name="data"/>.</returns>
    public static int Apply(Span<byte> data, uint key, int keyOffset)
    {
        int offset = keyOffset & KeyPositionMask;
        if (data.IsEmpty)
        {
            return offset;
        }

        // Rotate so that byte 0 of the pattern is the key byte for data[0]; every vector width is a
        // multiple of four, so the same rotated pattern stays in phase for the whole span.
        uint pattern = BitOperations.RotateRight(key, offset * 8);
        if (!BitConverter.IsLittleEndian)
        {
            pattern = BinaryPrimitives.ReverseEndianness(pattern);
        }

        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<byte>.Count)
        {
            Vector256<byte> mask256 = Vector256.Create(pattern).AsByte();
            nuint twoVectors = (nuint)(2 * Vector256<byte>.Count);
            // Two independent loads per iteration keep both load ports busy on long payloads.
            for (; length - i >= twoVectors; i += twoVectors)
            {
                Vector256<byte> a = Vector256.LoadUnsafe(ref start, i);
                Vector256<byte> b = Vector256.LoadUnsafe(ref start, i + (nuint)Vector256<byte>.Count);
                (a ^ mask256).StoreUnsafe(ref start, i);
                (b ^ mask256).StoreUnsafe(ref start, i + (nuint)Vector256<byte>.Count);
            }

            if (length - i >= (nuint)Vector256<byte>.Count)
            {
                (Vector256.LoadUnsafe(ref start, i) ^ mask256).StoreUnsafe(ref start, i);
                i += (nuint)Vector256<byte>.Count;
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<byte> mask128 = Vector128.Create(pattern).AsByte();
            for (; length - i >= (nuint)Vector128<byte>.Count; i += (nuint)Vector128<byte>.Count)
            {
                (Vector128.LoadUnsafe(ref start, i) ^ mask128).StoreUnsafe(ref start, i);
            }
        }

        // Both halves hold the same four bytes, so this is right in either byte order.
        ulong wide = ((ulong)pattern << 32) | pattern;
        for (; length - i >= sizeof(ulong); i += sizeof(ulong))
        {
            ref byte at = ref Unsafe.Add(ref start, i);
            Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<ulong>(ref at) ^ wide);
        }

        // At most seven bytes remain; i is a multiple of four here, so key positions restart at 0 of the pattern.
        uint logicalPattern = BitOperations.RotateRight(key, offset * 8);
        for (int k = 0; i < length; i++, k++)
        {
            Unsafe.Add(ref start, i) ^= (byte)(logicalPattern >> ((k & KeyPositionMask) * 8));
        }

        return (offset + data.Length) & KeyPositionMask;
    }

    /// <summary>
    /// Masks <paramref name="source"/> into <paramref name="destination"/> (copy and mask in one pass).
    /// </summary>
    /// <param name="source">Bytes to mask.</param>
    /// <param name="destination">At least <c>source.Length</c> bytes; may be the same memory as <paramref name="source"/>.</param>
    /// <param name="key">The mask key.</param>
    /// <param name="keyOffset">The key position of the first byte (see <see cref="Apply"/>).</param>
    /// <returns>The key position for the byte that follows.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static int ApplyTo(ReadOnlySpan<byte> source, Span<byte> destination, uint key, int keyOffset)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        Span<byte> target = destination[..source.Length];
        source.CopyTo(target);
        return Apply(target, key, keyOffset);
    }

    /// <summary>The textbook one-byte-at-a-time transform, kept as the baseline the vectorized one is measured against.</summary>
    internal static int ApplyBytewise(Span<byte> data, uint key, int keyOffset)
    {
        int offset = keyOffset & KeyPositionMask;
        for (int i = 0; i < data.Length; i++)
        {
            data[i] ^= (byte)(key >> (offset * 8));
            offset = (offset + 1) & KeyPositionMask;
        }

        return offset;
    }
}
