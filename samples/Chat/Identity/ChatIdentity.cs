using ActorWs.Server.Routing;

namespace ActorWs.Samples.Chat.Identity;

/// <summary>
/// Who a connection says it is: the display name it asked for with <c>/ws?name=…</c>. The session keeps it, the
/// resume token is bound to it (a resume must ask for the same name), and rooms read it from
/// <c>RoomMember.Identity</c>.
/// </summary>
/// <remarks>
/// Immutable; thread-safe. The name is not validated here: a refusal before the WebSocket opens reaches a browser
/// as a bare failed connection (its reason cannot be read), so the room validates it in <c>OnAuth</c> and the page
/// gets a readable error reply to its join.
/// </remarks>
/// <param name="DisplayName">The name as sent (decoded), possibly invalid.</param>
public sealed record ChatIdentity(string DisplayName)
{
    /// <summary>The query parameter that carries the display name.</summary>
    public const string QueryParameter = "name";

    /// <summary>Longest name kept from the query (longer ones are cut, and the room then refuses them as too long).</summary>
    /// <remarks>The request head is bounded anyway; this keeps a session's identity small whatever the client sends.</remarks>
    public const int MaxKeptLength = DisplayNameRules.MaxLength + 1;

    /// <summary>The accept hook of the <c>/ws</c> route: every connection is let in with the name it asked for.</summary>
    public static readonly AcceptHook Accept = static request =>
    {
        string name = request.GetQueryValue(QueryParameter) ?? "";
        if (name.Length > MaxKeptLength) name = name[..MaxKeptLength];
        return ValueTask.FromResult(AcceptDecision.Accept(new ChatIdentity(name)));
    };
}
