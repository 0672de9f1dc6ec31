namespace ActorWs.Bench.Cli;

/// <summary>The servers the tool compares.</summary>
public enum ServerKind
{
    /// <summary>The ActorWs server (<c>src/ActorWs</c>).</summary>
    ActorWs,

    /// <summary>The ASP.NET Core Kestrel baseline (<c>src/ActorWs.Bench.Kestrel</c>).</summary>
    Kestrel,
}
