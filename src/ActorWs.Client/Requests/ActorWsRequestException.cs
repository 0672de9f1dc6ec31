namespace ActorWs.Client.Requests;

/// <summary>Why a request of an <see cref="ActorWsClient"/> did not get an <c>ok</c> reply.</summary>
public enum RequestFailure
{
    /// <summary>The server answered with <c>{"op":"error","reason":…}</c>; <see cref="ActorWsRequestException.Reason"/> is its reason.</summary>
    Rejected,
    /// <summary>No reply (or no open connection) within <see cref="Options.ActorWsClientOptions.RequestTimeout"/>.</summary>
    TimedOut,
    /// <summary>The connection dropped before the reply came; the server may or may not have acted on the request.</summary>
    ConnectionLost,
    /// <summary>The client is closed (or closed while the request waited).</summary>
    ClientClosed,
    /// <summary>The server's reply did not have the shape the protocol gives it.</summary>
    MalformedReply,
}

/// <summary>A request failed; <see cref="Failure"/> says how and <see cref="Reason"/> says why.</summary>
public sealed class ActorWsRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">How the request failed.</param>
    /// <param name="reason">The server's reason, or a description of the failure.</param>
    /// <param name="op">The request's operation.</param>
    public ActorWsRequestException(RequestFailure failure, string reason, string op)
        : base($"{op}: {reason}")
    {
        Failure = failure;
        Reason = reason;
        Op = op;
    }

    /// <summary>How the request failed.</summary>
    public RequestFailure Failure { get; }

    /// <summary>The server's <c>reason</c> for <see cref="RequestFailure.Rejected"/>; a description otherwise.</summary>
    public string Reason { get; }

    /// <summary>The request's operation (<c>join</c>, <c>send</c>, …).</summary>
    public string Op { get; }
}

/// <summary>The first connection could not be opened.</summary>
public sealed class ActorWsConnectException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorWsConnectException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
