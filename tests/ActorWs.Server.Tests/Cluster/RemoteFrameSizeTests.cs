using ActorWs.Server.Dispatch;
using ActorWs.Server.Options;
using ActorWs.Server.Rooms.Cluster;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>
/// Room messages cross nodes whole, so Akka.Remote's largest frame must hold the largest WebSocket message: ActorWs's
/// Akka settings raise it, and a node whose setting is too small says so at start (the crossing itself is tested with a
/// 1 MB message in <see cref="ClusterRoomTests"/>).
/// </summary>
public sealed class RemoteFrameSizeTests
{
    [Fact]
    public void ActorWsSettings_CarryTheDefaultLargestMessageWithItsEnvelope()
    {
        long? frame = ActorWsDispatch.DefaultConfig.GetByteSize(ClusterRooms.RemoteFrameSizeKey, null);
        Assert.Equal(32L * 1024 * 1024, frame);
        Assert.Null(ClusterRooms.RemoteFrameProblem(frame, new WebSocketOptions().MaxMessageSize));
    }

    [Fact]
    public void AFrameTooSmallForTheLargestMessage_IsNamedWithBothSizes_AndTheSettingToRaise()
    {
        string? problem = ClusterRooms.RemoteFrameProblem(128_000, 16 * 1024 * 1024);
        Assert.NotNull(problem);
        Assert.StartsWith("akka.remote.dot-netty.tcp.maximum-frame-size is 128000 bytes", problem);
        Assert.Contains("(16777216 bytes)", problem);
        Assert.Contains("server.websocket.max-message-size", problem);
        // Exactly enough (the message and its envelope), or no setting at all (no remoting), says nothing.
        Assert.Null(ClusterRooms.RemoteFrameProblem(16 * 1024 * 1024 + ClusterRooms.RemoteEnvelopeAllowance, 16 * 1024 * 1024));
        Assert.Null(ClusterRooms.RemoteFrameProblem(null, 16 * 1024 * 1024));
    }
}
