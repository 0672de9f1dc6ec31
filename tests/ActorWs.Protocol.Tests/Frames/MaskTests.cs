using ActorWs.Protocol.Frames;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>RFC 6455 §5.3 masking: the vectorized transform equals the byte loop for every length, alignment and offset.</summary>
public class MaskTests
{
    [Fact]
    public void Rfc6455_5_3_VectorizedMask_MatchesByteLoop_ForEveryLengthAlignmentAndOffset()
    {
        var random = new Random(6455);
        byte[] source = new byte[600];
        random.NextBytes(source);
        uint key = 0xC4_43_82_01;
        foreach (int length in Enumerable.Range(0, 140).Concat([255, 256, 257, 511, 512, 513]))
        {
            for (int alignment = 0; alignment < 8; alignment++)
            {
                for (int offset = 0; offset < 4; offset++)
                {
                    byte[] expected = (byte[])source.Clone();
                    byte[] actual = (byte[])source.Clone();
                    int expectedNext = WebSocketMask.ApplyBytewise(expected.AsSpan(alignment, length), key, offset);
                    int actualNext = WebSocketMask.Apply(actual.AsSpan(alignment, length), key, offset);
                    Assert.Equal(expectedNext, actualNext);
                    Assert.Equal(expected, actual);
                }
            }
        }
    }

    [Fact]
    public void Rfc6455_5_3_MaskingTwice_RestoresTheData_AndSplitsCarryTheOffset()
    {
        byte[] original = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        byte[] data = (byte[])original.Clone();
        uint key = WebSocketMask.ReadKey([0x37, 0xFA, 0x21, 0x3D]);
        int offset = 0;
        int position = 0;
        foreach (int piece in new[] { 3, 1, 64, 5, 927 })
        {
            offset = WebSocketMask.Apply(data.AsSpan(position, piece), key, offset);
            position += piece;
        }

        byte[] whole = (byte[])original.Clone();
        WebSocketMask.Apply(whole, key, 0);
        Assert.Equal(whole, data);
        WebSocketMask.Apply(data, key, 0);
        Assert.Equal(original, data);
    }

    [Fact]
    public void Rfc6455_5_3_MaskKeyByteOrder_IsWireOrder()
    {
        byte[] wire = [0x37, 0xFA, 0x21, 0x3D];
        uint key = WebSocketMask.ReadKey(wire);
        byte[] data = [0, 0, 0, 0, 0];
        WebSocketMask.Apply(data, key, 0);
        Assert.Equal(new byte[] { 0x37, 0xFA, 0x21, 0x3D, 0x37 }, data);
        var written = new byte[4];
        WebSocketMask.WriteKey(written, key);
        Assert.Equal(wire, written);
    }

    [Fact]
    public void Rfc6455_5_3_ApplyTo_CopiesAndMasks()
    {
        byte[] source = "Hello"u8.ToArray();
        var destination = new byte[5];
        WebSocketMask.ApplyTo(source, destination, WebSocketMask.ReadKey([0x37, 0xFA, 0x21, 0x3D]), 0);
        Assert.Equal(new byte[] { 0x7f, 0x9f, 0x4d, 0x51, 0x58 }, destination);
        Assert.Equal("Hello"u8.ToArray(), source);
        Assert.Throws<ArgumentException>(() => WebSocketMask.ApplyTo(source, new byte[4], 1, 0));
    }
}
