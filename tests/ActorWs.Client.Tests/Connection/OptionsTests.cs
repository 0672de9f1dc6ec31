using ActorWs.Client.Connection;
using ActorWs.Client.Options;

namespace ActorWs.Client.Tests.Connection;

public class OptionsTests
{
    public static TheoryData<ActorWsClientOptions, string> BadOptions => new()
    {
        { new ActorWsClientOptions { RequestTimeout = TimeSpan.Zero }, "RequestTimeout" },
        { new ActorWsClientOptions { ConnectTimeout = TimeSpan.FromSeconds(-1) }, "ConnectTimeout" },
        { new ActorWsClientOptions { HeartbeatInterval = TimeSpan.FromSeconds(10), HeartbeatTimeout = TimeSpan.FromSeconds(5) }, "HeartbeatTimeout" },
        { new ActorWsClientOptions { AckInterval = TimeSpan.FromSeconds(-1) }, "AckInterval" },
        { new ActorWsClientOptions { EventCapacity = 0 }, "EventCapacity" },
        { new ActorWsClientOptions { MaxMessageSize = 10 }, "MaxMessageSize" },
        { new ActorWsClientOptions { ResumeToken = "t", ResumeLastSeq = -1 }, "ResumeLastSeq" },
        { new ActorWsClientOptions { ResumeToken = "" }, "ResumeToken" },
        { new ActorWsClientOptions { ResumeToken = "t", ResumePositions = [new("lobby", "chat", -1)] }, "ResumePositions" },
        { new ActorWsClientOptions { ResumeToken = "t", ResumePositions = [new("lobby", "a:b", 1)] }, "ResumePositions" },
        { new ActorWsClientOptions { ResumeToken = "t", ResumePositions = [new("", "chat", 1)] }, "ResumePositions" },
        { new ActorWsClientOptions { Reconnect = new ReconnectPolicy { BaseDelay = TimeSpan.FromSeconds(-1) } }, "BaseDelay" },
        { new ActorWsClientOptions { Reconnect = new ReconnectPolicy { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(1) } }, "MaxDelay" },
        { new ActorWsClientOptions { Reconnect = new ReconnectPolicy { MaxAttempts = -1 } }, "MaxAttempts" },
        { new ActorWsClientOptions { FailoverUris = [new Uri("http://127.0.0.1:2/ws")] }, "FailoverUris" },
        { new ActorWsClientOptions { FailoverUris = [new Uri("/ws", UriKind.Relative)] }, "FailoverUris" },
        { new ActorWsClientOptions { FailoverUris = [null!] }, "FailoverUris" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void An_out_of_range_option_is_refused_by_name(ActorWsClientOptions options, string name)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new ActorWsClient(new Uri("ws://127.0.0.1:1/ws"), options));
        Assert.Equal(name, ex.ParamName);
    }

    [Theory]
    [InlineData("http://127.0.0.1/ws")]
    [InlineData("/ws")]
    public void Only_ws_and_wss_urls_are_accepted(string url) =>
        Assert.Throws<ArgumentException>(() => new ActorWsClient(new Uri(url, UriKind.RelativeOrAbsolute)));

    [Fact]
    public async Task A_new_client_is_idle_and_ops_before_connect_are_refused()
    {
        await using var client = new ActorWsClient("ws://127.0.0.1:1/ws");
        Assert.Equal(ConnectionState.Idle, client.State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.JoinAsync("lobby"));
    }

    [Fact]
    public async Task Connecting_to_nothing_fails_with_a_precise_error_and_closes()
    {
        // A port nobody listens on: bind one, note it, release it.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var client = new ActorWsClient($"ws://127.0.0.1:{port}/ws");
        var ex = await Assert.ThrowsAsync<ActorWs.Client.Requests.ActorWsConnectException>(() => client.ConnectAsync());
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
        Assert.Equal(ConnectionState.Closed, client.State);
    }
}
