namespace ActorWs.Actors;

/// <summary>What a supervisor does with a failed child (the result of a strategy's decider).</summary>
public enum Directive
{
    /// <summary>Keep the child's instance and state; continue with its next message.</summary>
    Resume,

    /// <summary>
    /// Replace the child's instance with a fresh one from its <see cref="Props"/>. The mailbox is kept;
    /// the failing message is not processed again.
    /// </summary>
    Restart,

    /// <summary>Stop the child permanently.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception, handing the decision to its own supervisor.</summary>
    Escalate,
}
