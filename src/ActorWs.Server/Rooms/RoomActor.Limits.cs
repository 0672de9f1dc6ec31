using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.Rooms;

/// <summary>What a member may send: the type's size limit, token-bucket rate limits, and the logic's own validation.</summary>
/// <remarks>
/// A message its session tagged (a JSON <c>send</c> with a <c>ref</c>) is answered either way: <see cref="RoomMessageTaken"/>
/// once the logic ran without refusing it, <see cref="RoomMessageRefused"/> with the tag otherwise, each after whatever
/// the room sent in this turn. An untagged message is answered only when refused.
/// </remarks>
internal sealed partial class RoomActor
{
    /// <summary>What a tagged message's sender is told when the room's logic failed while handling it.</summary>
    internal const string FailedHandlingReason = "the room failed handling the message";

    private void HandleMemberMessage(RoomMember member, WebSocketMessage message)
    {
        object? tag = message.RoomTag;
        var options = _type.Options;
        if (options.MaxMessageSize is int max && message.Length > max)
        {
            Refuse(member, $"message larger than {max} bytes", tag);
            return;
        }
        if (!WithinRate(member, message.Length, options))
        {
            Refuse(member, "rate limit exceeded", tag);
            if (Abusive(member, options))
            {
                FlushBroadcasts();
                Notify(member, new CloseRequested(WebSocketCloseCode.PolicyViolation, "rate limit exceeded repeatedly"));
            }
            return;
        }
        try
        {
            _room.OnMessage(member, message);
        }
        catch (RoomMessageRejectedException rejected)
        {
            Refuse(member, rejected.Message, tag);
            return;
        }
        catch when (tag is not null)
        {
            // A failure of the room (it goes on to the supervisor): the sender waiting for an answer hears of it first.
            Refuse(member, FailedHandlingReason, tag);
            throw;
        }
        if (tag is not null)
        {
            // After what the room sent in taking it, so a client that sees the confirmation has seen the room's response.
            FlushBroadcasts();
            Notify(member, new RoomMessageTaken(RoomName, tag));
        }
    }

    /// <summary>
    /// A member's messages from another node, each handled as if told alone. If the room's logic fails on one, the ones
    /// after it go back to the front of the mailbox (through the stash, which Akka.NET empties there before the restart),
    /// so that, as with messages told one by one, the one whose handling failed is the only one lost.
    /// </summary>
    private void HandleMemberMessages(MemberMessages batch)
    {
        var messages = batch.Messages;
        if (!batch.Remainder) _runtime.Metrics.MemberBatchReceived(messages.Length);
        for (int i = 0; i < messages.Length; i++)
        {
            try
            {
                TakeMemberMessage(messages[i]);
            }
            catch when (i + 1 < messages.Length)
            {
                Stash.Prepend([new Envelope(new MemberMessages(messages[(i + 1)..], Remainder: true), Sender)]);
                throw;
            }
        }
    }

    /// <summary>
    /// A message from the sender, taken if it is a member (looked up for each message: the room may have let the member
    /// go over an earlier one), refused otherwise; released either way.
    /// </summary>
    private void TakeMemberMessage(WebSocketMessage message)
    {
        try
        {
            if (_members.TryGetValue(Sender, out var from)) HandleMemberMessage(from, message);
            else RefuseNonMember(Sender, message);
        }
        finally
        {
            message.Release();
        }
    }

    /// <summary>A tagged message from a session that is not (or no longer) a member: refused, so its sender is not left waiting.</summary>
    private void RefuseNonMember(IActorRef sender, WebSocketMessage message)
    {
        if (message.RoomTag is { } tag && !sender.IsNobody()) sender.Tell(new RoomMessageRefused(RoomName, $"not a member of room \"{RoomName}\"", tag), Self);
    }

    private void Refuse(RoomMember member, string reason, object? tag)
    {
        FlushBroadcasts();
        Notify(member, new RoomMessageRefused(RoomName, reason, tag));
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
