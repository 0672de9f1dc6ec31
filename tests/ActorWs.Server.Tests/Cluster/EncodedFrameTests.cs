using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>A relay rebuilds a room's frame from the bytes the room encoded on its node: same bytes, same opcode and payload.</summary>
public sealed class EncodedFrameTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(125)] // 2-byte header
    [InlineData(126)] // 4-byte header
    [InlineData(65_535)]
    [InlineData(65_536)] // 10-byte header
    public void FromEncoded_GivesBackTheSameFrame(int payloadLength)
    {
        var payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i * 7)).ToArray();
        var original = OutboundFrame.Create(WebSocketOpcode.Binary, payload);
        var encoded = original.Bytes.ToArray();

        var copy = OutboundFrame.FromEncoded(encoded);

        Assert.Equal(encoded, copy.Bytes.ToArray());
        Assert.Equal(payload, copy.Payload.ToArray());
        Assert.Equal(WebSocketOpcode.Binary, copy.Opcode);
        Assert.True(copy.IsDataMessage);
        Assert.False(copy.IsClose);
        original.Release();
        copy.Release();
    }

    [Fact]
    public void FromEncoded_RefusesMaskedOrTruncatedFrames()
    {
        Assert.Throws<ArgumentException>(() => OutboundFrame.FromEncoded([0x81]));
        Assert.Throws<ArgumentException>(() => OutboundFrame.FromEncoded([0x81, 0x80, 1, 2, 3, 4])); // masked: a client's frame
        Assert.Throws<ArgumentException>(() => OutboundFrame.FromEncoded([0x81, 126, 0])); // says 4-byte header, has 3 bytes
        Assert.Throws<ArgumentException>(() => OutboundFrame.FromEncoded([0x81, 126, 0, 5, 1, 2, 3, 4, 5])); // 5 fits a 2-byte header
    }
}
