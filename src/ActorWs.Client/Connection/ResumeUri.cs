using System.Globalization;
using System.Text;

namespace ActorWs.Client.Connection;

/// <summary>Builds the URL of a connection: the client's URL, plus <c>resume</c>, <c>lastSeq</c> and (from a cluster) <c>pos</c> when resuming.</summary>
/// <remarks>Stateless; thread-safe.</remarks>
internal static class ResumeUri
{
    /// <summary>
    /// <paramref name="baseUri"/> with any <c>resume</c>/<c>lastSeq</c>/<c>pos</c> parameters it had replaced by
    /// <paramref name="token"/>, <paramref name="lastSeq"/> and one <c>pos=rseq:type:room</c> per entry of
    /// <paramref name="positions"/> (none without a token); other query parameters are kept as they were.
    /// </summary>
    public static Uri Build(Uri baseUri, string? token, long lastSeq, IReadOnlyList<Resume.RoomPosition>? positions = null)
    {
        string query = baseUri.Query.TrimStart('?');
        var kept = new StringBuilder(query.Length + 64);
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = part.Split('=', 2)[0];
            if (name is Protocol.ProtocolConstants.ResumeParameter or Protocol.ProtocolConstants.LastSeqParameter or Protocol.ProtocolConstants.PositionParameter) continue;
            if (kept.Length > 0) kept.Append('&');
            kept.Append(part);
        }
        if (token is not null)
        {
            if (kept.Length > 0) kept.Append('&');
            kept.Append(Protocol.ProtocolConstants.ResumeParameter).Append('=').Append(Uri.EscapeDataString(token))
                .Append('&').Append(Protocol.ProtocolConstants.LastSeqParameter).Append('=').Append(lastSeq.ToString(CultureInfo.InvariantCulture));
            // The server splits the value at its first two ':' (room names may hold more).
            foreach (var position in positions ?? [])
            {
                kept.Append('&').Append(Protocol.ProtocolConstants.PositionParameter).Append('=')
                    .Append(Uri.EscapeDataString(string.Create(CultureInfo.InvariantCulture, $"{position.Rseq}:{position.Type}:{position.Room}")));
            }
        }
        return new UriBuilder(baseUri) { Query = kept.ToString() }.Uri;
    }
}
