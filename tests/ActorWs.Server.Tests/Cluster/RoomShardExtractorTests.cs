using ActorWs.Server.Rooms.Cluster;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>Every node, in every process, must put an entity in the same shard: the hash is fixed, not .NET's per-process one.</summary>
public sealed class RoomShardExtractorTests
{
    [Theory]
    // FNV-1a (32-bit) of the id's UTF-16 code units, modulo the shard count: values worked out independently of this code.
    [InlineData("chat:lobby", 100, "57")]
    [InlineData("duel", 100, "71")]
    [InlineData("relay:arena", 100, "99")]
    [InlineData("chat:lobby", 7, "6")]
    [InlineData("duel", 7, "0")]
    public void ShardOfAnEntity_IsTheSameInEveryProcess(string entityId, int shards, string expected)
    {
        var extractor = new RoomShardExtractor(shards);
        Assert.Equal(expected, extractor.ShardId(entityId));
        Assert.Equal(expected, extractor.ShardOf(entityId));
    }

    [Fact]
    public void Shards_StayWithinTheCount_AndSpreadRooms()
    {
        var extractor = new RoomShardExtractor(100);
        var shards = Enumerable.Range(0, 10_000).Select(i => int.Parse(extractor.ShardOf("chat:room-" + i))).ToArray();
        Assert.All(shards, s => Assert.InRange(s, 0, 99));
        // 10,000 rooms over 100 shards: every shard gets some, none gets more than twice its share.
        var perShard = shards.GroupBy(s => s).Select(g => g.Count()).ToArray();
        Assert.Equal(100, perShard.Length);
        Assert.True(perShard.Max() < 200, $"a shard got {perShard.Max()} rooms");
    }
}
