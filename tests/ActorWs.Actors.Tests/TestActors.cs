namespace ActorWs.Actors.Tests;

/// <summary>Replies to every message with the same message.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor()
    {
        ReceiveAny(message => Sender.Tell(message));
    }
}

/// <summary>
/// Reports its lifecycle hooks and every ordinary message to a probe (prefixed with its label),
/// fails on <see cref="Fail"/>, blocks on <see cref="Block"/>, creates children on <see cref="CreateChild"/>.
/// </summary>
internal class ReportingActor : UntypedActor
{
    private readonly IActorRef _probe;
    private readonly string _label;
    private int _handled;

    public ReportingActor(IActorRef probe, string label)
    {
        _probe = probe;
        _label = label;
    }

    protected override void PreStart() => _probe.Tell($"{_label}:PreStart", null);

    protected override void PostStop() => _probe.Tell($"{_label}:PostStop", null);

    protected override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell($"{_label}:PreRestart:{message}", null);
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _probe.Tell($"{_label}:PostRestart:{reason.Message}", null);
        base.PostRestart(reason);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Fail fail:
                throw fail.Exception;
            case Block block:
                _probe.Tell($"{_label}:blocked", null);
                block.Gate.Wait(TimeSpan.FromSeconds(10));
                break;
            case CreateChild create:
                Sender.Tell(Context.ActorOf(create.Props, create.Name), Self);
                break;
            case "count":
                Sender.Tell(_handled, Self);
                break;
            default:
                _handled++;
                _probe.Tell($"{_label}:{message}", Sender);
                break;
        }
    }
}

/// <summary>A parent whose strategy reports every decision to a probe before applying <see cref="Decide"/>.</summary>
internal sealed class SupervisingActor : ReportingActor
{
    private readonly IActorRef _probe;
    private readonly Func<Exception, Directive> _decide;
    private readonly Func<Func<Exception, Directive>, SupervisorStrategy>? _strategyFactory;

    public SupervisingActor(
        IActorRef probe, string label, Func<Exception, Directive> decide,
        Func<Func<Exception, Directive>, SupervisorStrategy>? strategyFactory = null)
        : base(probe, label)
    {
        _probe = probe;
        _decide = decide;
        _strategyFactory = strategyFactory;
    }

    protected override SupervisorStrategy SupervisorStrategy()
    {
        Directive Decider(Exception e)
        {
            _probe.Tell(new Decided(e), null);
            return _decide(e);
        }

        return _strategyFactory?.Invoke(Decider) ?? new OneForOneStrategy(Decider);
    }
}

/// <summary>A supervisor's decider was asked about <see cref="Cause"/>.</summary>
internal sealed record Decided(Exception Cause);

/// <summary>Tells an actor to throw.</summary>
internal sealed record Fail(Exception Exception);

/// <summary>Tells an actor to block its turn until the gate opens (bounded wait).</summary>
internal sealed record Block(ManualResetEventSlim Gate);

/// <summary>Tells an actor to create a child and reply with its reference.</summary>
internal sealed record CreateChild(Props Props, string? Name = null);

/// <summary>A test failure with a recognisable type.</summary>
internal sealed class TestFailureException(string message) : Exception(message);

internal static class TestProps
{
    public static Props Reporting(IActorRef probe, string label) => Props.Create(() => new ReportingActor(probe, label));

    public static Props Supervising(
        IActorRef probe, string label, Func<Exception, Directive> decide,
        Func<Func<Exception, Directive>, SupervisorStrategy>? strategyFactory = null)
        => Props.Create(() => new SupervisingActor(probe, label, decide, strategyFactory));

    /// <summary>Asks <paramref name="parent"/> (a ReportingActor) to create a child, waiting for the reply.</summary>
    public static IActorRef CreateChildOf(this TestProbe probe, IActorRef parent, Props props, string? name = null)
    {
        probe.Send(parent, new CreateChild(props, name));
        return probe.ExpectMsg<IActorRef>();
    }
}
