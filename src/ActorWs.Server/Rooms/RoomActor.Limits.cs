using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.Rooms;

/// <summary>What a member may send: the type's size limit, token-bucket rate limits, and the logic's own validation.</summary>
internal sealed partial class RoomActor
{
    private void HandleMemberMessage(RoomMember member, WebSocketMessage message)
    {
        var options = _type.Options;
        if (options.MaxMessageSize is int max && message.Length > max)
        {
            Refuse(member, $"message larger than {max} bytes");
            return;
        }
        if (!WithinRate(member, message.Length, options))
        {
            Refuse(member, "rate limit exceeded");
            if (Abusive(member, options))
            {
                FlushBroadcasts();
                member.Session.Tell(new CloseRequested(WebSocketCloseCode.PolicyViolation, "rate limit exceeded repeatedly"), Self);
            }
            return;
        }
        try
        {
            _room.OnMessage(member, message);
        }
        catch (RoomMessageRejectedException rejected)
        {
            Refuse(member, rejected.Message);
        }
    }

    private void Refuse(RoomMember member, string reason)
    {
        FlushBroadcasts();
        member.Session.Tell(new RoomMessageRefused(RoomName, reason), Self);
    }

    /// <summary>Token buckets refilled at the configured rates, holding at most one second's worth.</summary>
    private bool WithinRate(RoomMember member, int bytes, RoomTypeOptions options)
    {
        if (options.MessagesPerSecond <= 0 && options.BytesPerSecond <= 0) return true;
        var time = _runtime.Time;
        long now = time.GetTimestamp();
        if (member.LastRefill == 0)
        {
            member.MessageTokens = options.MessagesPerSecond;
            member.ByteTokens = options.BytesPerSecond;
        }
        else
        {
            double seconds = time.GetElapsedTime(member.LastRefill, now).TotalSeconds;
            member.MessageTokens = Math.Min(options.MessagesPerSecond, member.MessageTokens + seconds * options.MessagesPerSecond);
            member.ByteTokens = Math.Min(options.BytesPerSecond, member.ByteTokens + seconds * options.BytesPerSecond);
        }
        member.LastRefill = now;
        bool messageOk = options.MessagesPerSecond <= 0 || member.MessageTokens >= 1;
        bool bytesOk = options.BytesPerSecond <= 0 || member.ByteTokens >= bytes;
        if (!messageOk || !bytesOk) return false;
        if (options.MessagesPerSecond > 0) member.MessageTokens -= 1;
        if (options.BytesPerSecond > 0) member.ByteTokens -= bytes;
        return true;
    }

    /// <summary>Counts a violation; true once there were too many within the abuse window.</summary>
    private bool Abusive(RoomMember member, RoomTypeOptions options)
    {
        var time = _runtime.Time;
        long now = time.GetTimestamp();
        if (member.Violations == 0 || time.GetElapsedTime(member.ViolationWindowStart, now) > options.AbuseWindow)
        {
            member.ViolationWindowStart = now;
            member.Violations = 0;
        }
        return ++member.Violations >= options.AbuseThreshold;
    }
}
