using System.Text.Json;
using System.Text.RegularExpressions;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>README's JSON protocol table against what the server answers.</summary>
public sealed partial class ReadmeProtocolTests
{
    /// <summary>README's row for join: the request, then the reply it documents.</summary>
    [GeneratedRegex(@"^\| `\{""op"":""join"",[^`]*\}` \| `(?<reply>\{[^`]*\})`", RegexOptions.Multiline)]
    private static partial Regex JoinRow();

    [Fact]
    public async Task AJoinReply_CarriesTheFieldsReadmeDocuments_TypeIncluded()
    {
        string? root = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && root is null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorWs.sln"))) root = dir.FullName;
        }
        Assert.NotNull(root);
        var row = JoinRow().Match(await File.ReadAllTextAsync(Path.Combine(root, "README.md")));
        Assert.True(row.Success, "README.md has no row for join with its reply");
        using var documented = JsonDocument.Parse(row.Groups["reply"].Value);

        await using var server = await TestServer.StartAsync();
        await using var client = await JsonClient.ConnectAsync(server);
        var reply = await client.OkAsync("join", "\"room\":\"lobby\"");

        // The same fields, in the same order; the room's type is "chat" on /ws, as README says.
        Assert.Equal(
            documented.RootElement.EnumerateObject().Select(p => p.Name),
            reply.EnumerateObject().Select(p => p.Name));
        Assert.Equal(documented.RootElement.GetProperty("type").GetString(), reply.GetProperty("type").GetString());
        Assert.Equal("chat", reply.GetProperty("type").GetString());
        Assert.Equal("lobby", reply.GetProperty("room").GetString());
        Assert.Equal([client.SessionId], reply.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
    }
}
