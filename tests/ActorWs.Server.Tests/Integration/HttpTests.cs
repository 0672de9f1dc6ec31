using System.Net;
using System.Net.Http;
using System.Text.Json;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

public sealed class HttpTests
{
    [Fact]
    public async Task Health_Ready_StatusPage_AndErrors_AreAnsweredOnTheWebSocketPort()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { Timeout = TestServer.Wait };

        var health = await http.GetAsync(server.HttpUri("/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("application/json", health.Content.Headers.ContentType!.MediaType);
        Assert.Equal("ok", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        var ready = await http.GetAsync(server.HttpUri("/ready"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var page = await http.GetStringAsync(server.HttpUri("/"));
        Assert.Contains("ActorWs is running", page);
        Assert.Contains("/rooms/{name}", page);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(server.HttpUri("/nothing-here"))).StatusCode);
        var post = await http.PostAsync(server.HttpUri("/health"), new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("GET, HEAD", string.Join(", ", post.Content.Headers.Allow));

        var plainGetOnWebSocketRoute = await http.GetAsync(server.HttpUri("/echo"));
        Assert.Equal(HttpStatusCode.UpgradeRequired, plainGetOnWebSocketRoute.StatusCode);
    }

    [Fact]
    public async Task Metrics_AreExposedInPrometheusFormat_AfterTraffic()
    {
        await using var server = await TestServer.StartAsync();
        using (var client = await server.ConnectAsync("/echo"))
        {
            await EchoTests.SendTextAsync(client, "count me");
            await EchoTests.ReceiveTextAsync(client);
        }
        using var http = new HttpClient { Timeout = TestServer.Wait };
        var response = await http.GetAsync(server.HttpUri("/metrics"));
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE actorws_connections_accepted_total counter", text);
        Assert.Matches(@"actorws_messages_received_total [1-9]", text);
        Assert.Matches(@"actorws_messages_sent_total [1-9]", text);
        Assert.Contains("actorws_http_requests_total", text);
    }

    [Fact]
    public async Task Metrics_ReportTheGcHeapAfterTheLastCollection_AndWhatTheGcCommitted()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { Timeout = TestServer.Wait };
        // The server runs in this process: a 64 MiB array (large object heap, never touched, so it costs no RSS) alive at a
        // collection must be in the heap size that collection reports. A gen-0 collection is enough and disturbs the tests
        // running alongside far less than a full one.
        // The other tests' collections run meanwhile (a background one begun before the array was may report without it), so
        // the collection and the scrape are tried a few times.
        var held = new byte[64 << 20];
        string text = "";
        for (int attempt = 0; attempt < 5; attempt++)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            text = await http.GetStringAsync(server.HttpUri("/metrics"));
            if (Gauge(text, "actorws_gc_heap_size_bytes") >= 64 << 20) break;
        }
        GC.KeepAlive(held);

        Assert.Contains("# TYPE actorws_gc_heap_size_bytes gauge", text);
        Assert.True(Gauge(text, "actorws_gc_heap_size_bytes") >= 64 << 20, text);
        Assert.True(Gauge(text, "actorws_gc_committed_bytes") >= 64 << 20, text);
        Assert.Contains("# TYPE actorws_gc_pause_seconds_total counter", text);
    }

    private static long Gauge(string metrics, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(metrics, "^" + name + @" (\d+)$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, $"no {name} in {metrics}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Metrics_ReportTheBusiestMailboxes_ByActor()
    {
        await using var server = await TestServer.StartAsync();
        using var gate = new ManualResetEventSlim();
        var blocked = server.System.ActorOf(Akka.Actor.Props.Create(() => new GatedActor()).WithMailbox(ActorWs.Server.Dispatch.LeanMailbox.ConfigPath), "behind");
        blocked.Tell(gate, Akka.Actor.ActorRefs.NoSender);
        for (int i = 0; i < 40; i++) blocked.Tell(i, Akka.Actor.ActorRefs.NoSender);
        try
        {
            using var http = new HttpClient { Timeout = TestServer.Wait };
            string text = await http.GetStringAsync(server.HttpUri("/metrics"));
            Assert.Contains("# TYPE actorws_actors_mailbox_depth gauge", text);
            // The gate message may or may not have been taken yet: 40 or 41 waiting.
            Assert.Matches($@"actorws_actors_mailbox_depth\{{actor=""{System.Text.RegularExpressions.Regex.Escape(blocked.Path.ToStringWithoutAddress())}""\}} 4[01]\n", text);
        }
        finally
        {
            gate.Set();
        }
    }

    /// <summary>Waits on the gate it is given (bounded), so that what is sent after it piles up.</summary>
    private sealed class GatedActor : Akka.Actor.ReceiveActor
    {
        public GatedActor()
        {
            Receive<ManualResetEventSlim>(gate => gate.Wait(TestServer.Wait));
            ReceiveAny(_ => { });
        }
    }

    [Fact]
    public async Task KeepAlive_AnswersPipelinedRequestsInOrder_OnOneConnection()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Send("GET /health HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\nHEAD /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        var first = raw.ReadHttpResponse();
        Assert.Equal(200, first.Status);
        Assert.Equal("{\"status\":\"ok\"}", first.Body);
        Assert.Equal(404, raw.ReadHttpResponse().Status);
        // HEAD: the GET's headers (length included) and no body; then the server closes as asked.
        var head = raw.ReadHttpResponse(headOnly: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("close", head.Headers["Connection"]);
        Assert.Equal("15", head.Headers["Content-Length"]);
        Assert.True(raw.WaitForEndOfStream());
    }

    [Fact]
    public async Task HttpAndWebSocketRequests_Interleave_OnTheSamePort()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { Timeout = TestServer.Wait };
        var sockets = new List<System.Net.WebSockets.ClientWebSocket>();
        try
        {
            for (int i = 0; i < 10; i++)
            {
                sockets.Add(await server.ConnectAsync("/echo"));
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(server.HttpUri("/health"))).StatusCode);
            }
            for (int i = 0; i < sockets.Count; i++)
            {
                await EchoTests.SendTextAsync(sockets[i], $"m{i}");
                Assert.Equal($"m{i}", await EchoTests.ReceiveTextAsync(sockets[i]));
            }
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
    }
}
