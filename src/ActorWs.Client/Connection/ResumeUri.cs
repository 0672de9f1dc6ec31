using System.Globalization;
using System.Text;

namespace ActorWs.Client.Connection;

/// <summary>Builds the URL of a connection: the client's URL, plus <c>resume</c> and <c>lastSeq</c> when resuming.</summary>
/// <remarks>Stateless; thread-safe.</remarks>
internal static class ResumeUri
{
    /// <summary>
    /// <paramref name="baseUri"/> with any <c>resume</c>/<c>lastSeq</c> parameters it had replaced by
    /// <paramref name="token"/> and <paramref name="lastSeq"/>; other query parameters are kept as they were.
    /// </summary>
    public static Uri Build(Uri baseUri, string? token, long lastSeq)
    {
        string query = baseUri.Query.TrimStart('?');
        var kept = new StringBuilder(query.Length + 64);
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = part.Split('=', 2)[0];
            if (name is Protocol.ProtocolConstants.ResumeParameter or Protocol.ProtocolConstants.LastSeqParameter) continue;
            if (kept.Length > 0) kept.Append('&');
            kept.Append(part);
        }
        if (token is not null)
        {
            if (kept.Length > 0) kept.Append('&');
            kept.Append(Protocol.ProtocolConstants.ResumeParameter).Append('=').Append(Uri.EscapeDataString(token))
                .Append('&').Append(Protocol.ProtocolConstants.LastSeqParameter).Append('=').Append(lastSeq.ToString(CultureInfo.InvariantCulture));
        }
        return new UriBuilder(baseUri) { Query = kept.ToString() }.Uri;
    }
}
