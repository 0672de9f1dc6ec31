using System.Text.Json;
using ActorWs.Browser.Tests.Infrastructure;

namespace ActorWs.Browser.Tests.Compression;

/// <summary>Chromium offers permessage-deflate (RFC 7692); the server accepts it on <c>/echo</c>.</summary>
public sealed class DeflateTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Chromium_negotiates_permessage_deflate_and_a_large_compressible_message_round_trips()
    {
        var page = await OpenAsync(Fixture.Server.Http("/test/echo.html?size=1048576"));
        await page.WaitForFunctionAsync("() => window.echoResult !== null && window.echoResult !== undefined");
        var result = await page.EvaluateAsync<JsonElement>("() => window.echoResult");
        Assert.Contains("permessage-deflate", result.GetProperty("extensions").GetString());
        Assert.Equal(1_048_576, result.GetProperty("length").GetInt32());
        Assert.True(result.GetProperty("same").GetBoolean());
    }

    [Fact]
    public async Task A_message_that_inflates_a_thousandfold_is_refused_with_1009()
    {
        // One sentence repeated for 1 MiB: a few KB on the wire, past the server's max-inflation-ratio (100).
        var page = await OpenAsync(Fixture.Server.Http("/test/echo.html?size=1048576&kind=repeated"));
        await page.WaitForFunctionAsync("() => window.echoResult !== null && window.echoResult !== undefined");
        var result = await page.EvaluateAsync<JsonElement>("() => window.echoResult");
        Assert.Contains("permessage-deflate", result.GetProperty("extensions").GetString());
        Assert.Equal(1009, result.GetProperty("closed").GetInt32());
        Assert.False(result.TryGetProperty("length", out _));
    }
}
