using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorWs.Server.Dispatch;

/// <summary>
/// The mailbox type of <see cref="LeanMessageQueue"/>, for actors that exist by the thousand and are idle most of
/// the time (the server's connection and session actors). Configured in HOCON and chosen per actor:
/// <code>
/// actorws.lean-mailbox { mailbox-type = "ActorWs.Server.Dispatch.LeanMailbox, ActorWs.Server" }
/// Props.Create(...).WithMailbox("actorws.lean-mailbox")
/// </code>
/// </summary>
/// <remarks>Created by Akka.NET once per actor system and configuration path; thread-safe.</remarks>
public sealed class LeanMailbox : MailboxType, IProducesMessageQueue<LeanMessageQueue>
{
    /// <summary>The configuration path the server's default settings define this mailbox under.</summary>
    public const string ConfigPath = "actorws.lean-mailbox";

    /// <summary>Called by Akka.NET with the system's settings and this mailbox's configuration section.</summary>
    public LeanMailbox(Settings settings, Config config)
        : base(settings, config)
    {
    }

    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) =>
        new LeanMessageQueue(owner, system is null ? null : MailboxDepths.Get(system));
}
