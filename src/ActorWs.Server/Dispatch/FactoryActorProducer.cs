using Akka.Actor;

namespace ActorWs.Server.Dispatch;

/// <summary>
/// Makes actors by calling a factory delegate: <see cref="Props"/> built with it create each instance with a
/// plain constructor call, where <c>Props.Create(() =&gt; new T(…))</c> and <c>Props.Create&lt;T&gt;(args)</c>
/// go through reflection for every instance (and the server creates one actor per connection).
/// </summary>
/// <typeparam name="TActor">The actor class.</typeparam>
/// <remarks>Thread-safe if the factory is. Props made from it are local only (a delegate is not serializable).</remarks>
public sealed class FactoryActorProducer<TActor> : IIndirectActorProducer
    where TActor : ActorBase
{
    private readonly Func<TActor> _factory;

    private FactoryActorProducer(Func<TActor> factory) => _factory = factory;

    /// <summary>Props whose actors come from <paramref name="factory"/> (called again on every restart).</summary>
    public static Props Props(Func<TActor> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Akka.Actor.Props.CreateBy(new FactoryActorProducer<TActor>(factory));
    }

    /// <inheritdoc />
    public Type ActorType => typeof(TActor);

    /// <inheritdoc />
    public ActorBase Produce() => _factory();

    /// <inheritdoc />
    public void Release(ActorBase actor)
    {
        // Nothing to give back: the instance is garbage once Akka.NET lets go of it.
    }
}
