using System.Buffers.Binary;
using ActorWs.Protocol.Frames;

namespace ActorWs.Protocol.Tests.Support;

/// <summary>How a test frame writes its payload length, including forms the RFC forbids.</summary>
internal enum LengthForm
{
    Minimal,
    Sixteen,
    SixtyFour,
}

/// <summary>
/// Builds frame bytes independently of the library's writer, with any bit pattern (reserved bits, reserved opcodes,
/// non-minimal lengths), so the reader can be tested against hand-made input.
/// </summary>
internal static class RawFrame
{
    public static readonly byte[] SampleKey = [0x37, 0xFA, 0x21, 0x3D];

    public static byte[] Build(
        int opcode,
        ReadOnlySpan<byte> payload,
        bool fin = true,
        bool rsv1 = false,
        bool rsv2 = false,
        bool rsv3 = false,
        byte[]? maskKey = null,
        bool masked = true,
        LengthForm form = LengthForm.Minimal,
        long? declaredLength = null)
    {
        maskKey ??= SampleKey;
        long length = declaredLength ?? payload.Length;
        var bytes = new List<byte>();
        byte first = (byte)(opcode & 0x0F);
        if (fin) first |= 0x80;
        if (rsv1) first |= 0x40;
        if (rsv2) first |= 0x20;
        if (rsv3) first |= 0x10;
        bytes.Add(first);
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        LengthForm actual = form == LengthForm.Minimal
            ? length <= 125 ? LengthForm.Minimal : length <= 0xFFFF ? LengthForm.Sixteen : LengthForm.SixtyFour
            : form;
        switch (actual)
        {
            case LengthForm.Minimal:
                bytes.Add((byte)(maskBit | length));
                break;
            case LengthForm.Sixteen:
                bytes.Add((byte)(maskBit | 126));
                bytes.Add((byte)(length >> 8));
                bytes.Add((byte)length);
                break;
            default:
                bytes.Add((byte)(maskBit | 127));
                Span<byte> wide = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(wide, (ulong)length);
                bytes.AddRange(wide.ToArray());
                break;
        }

        byte[] body = payload.ToArray();
        if (masked)
        {
            bytes.AddRange(maskKey);
            for (int i = 0; i < body.Length; i++)
            {
                body[i] ^= maskKey[i % 4];
            }
        }

        bytes.AddRange(body);
        return [.. bytes];
    }

    public static byte[] Text(string text, bool fin = true, bool masked = true) =>
        Build((int)WebSocketOpcode.Text, System.Text.Encoding.UTF8.GetBytes(text), fin, masked: masked);

    public static byte[] Continuation(ReadOnlySpan<byte> payload, bool fin = true) =>
        Build((int)WebSocketOpcode.Continuation, payload, fin);

    public static byte[] Close(ushort code, byte[]? reason = null)
    {
        byte[] payload = new byte[2 + (reason?.Length ?? 0)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reason?.CopyTo(payload, 2);
        return Build((int)WebSocketOpcode.Close, payload);
    }

    public static byte[] Concat(params byte[][] frames) => [.. frames.SelectMany(f => f)];
}
