using Akka.Actor;
using Akka.Configuration;

namespace ActorWs.Server.Dispatch;

/// <summary>The Akka.NET configuration the server's actors need: the lean mailbox, the room dispatcher, the scheduler's tick.</summary>
public static class ActorWsDispatch
{
    /// <summary>The dispatcher rooms run on (<see cref="FairExecutorConfigurator"/>).</summary>
    public const string RoomDispatcher = "actorws.room-dispatcher";

    /// <summary>The mailbox connection and session actors use (<see cref="LeanMailbox"/>).</summary>
    public const string LeanMailboxPath = LeanMailbox.ConfigPath;

    private static readonly Lazy<Config> s_default = new(Load);

    /// <summary>
    /// The settings as HOCON (<c>actorws-akka.conf</c>, embedded): use it as the fallback of an actor system's
    /// configuration (<c>myConfig.WithFallback(ActorWsDispatch.DefaultConfig)</c>); Akka.Hosting's <c>WithActorWs</c> adds it itself.
    /// </summary>
    public static Config DefaultConfig => s_default.Value;

    /// <summary>Whether <paramref name="system"/> was created with these settings.</summary>
    public static bool IsConfigured(ActorSystem system) =>
        system.Settings.Config.HasPath(LeanMailboxPath) && system.Dispatchers.HasDispatcher(RoomDispatcher);

    private static Config Load()
    {
        using var stream = typeof(ActorWsDispatch).Assembly.GetManifestResourceStream("ActorWs.Server.Dispatch.actorws-akka.conf")
            ?? throw new InvalidOperationException("The embedded actorws-akka.conf is missing from ActorWs.Server.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
