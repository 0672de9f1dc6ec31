using System.Text;

namespace ActorWs.Protocol.Benchmarks;

/// <summary>Realistic JSON chat traffic: room events with varying users and texts, deterministic.</summary>
internal static class ChatMessages
{
    private static readonly string[] Words = ["hello", "anyone", "up", "for", "a", "game", "tonight", "?", "gg", "nice", "move", "lag", "again", "brb", "lol", "ready"];

    /// <summary>A JSON array of chat events about <paramref name="approximateLength"/> bytes long.</summary>
    public static byte[] Build(int approximateLength, int seed)
    {
        var random = new Random(seed);
        var json = new StringBuilder("[");
        for (int i = 0; json.Length < approximateLength - 120; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append("{\"type\":\"message\",\"room\":\"lobby-").Append(random.Next(1, 9))
                .Append("\",\"from\":\"player").Append(random.Next(1000, 9999))
                .Append("\",\"at\":").Append(1_764_000_000_000L + random.Next())
                .Append(",\"text\":\"");
            int words = random.Next(2, 9);
            for (int w = 0; w < words; w++)
            {
                json.Append(w == 0 ? string.Empty : " ").Append(Words[random.Next(Words.Length)]);
            }

            json.Append("\"}");
        }

        return Encoding.UTF8.GetBytes(json.Append(']').ToString());
    }
}
