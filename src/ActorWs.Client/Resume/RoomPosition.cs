namespace ActorWs.Client.Resume;

/// <summary>
/// How far the client has read one room, in that room's own numbering: what a cluster node that did not hold the
/// session needs to resume it (README, "Session, sequence numbers and resume").
/// </summary>
/// <remarks>
/// Only a cluster node (its <c>welcome</c> says <c>"cluster":true</c>) numbers rooms; see
/// <see cref="ActorWsClient.Positions"/> and <see cref="Options.ActorWsClientOptions.ResumePositions"/>.
/// </remarks>
/// <param name="Room">The room name or id (<c>lobby</c>, <c>arena-3</c>).</param>
/// <param name="Type">The room type the join reply gave (<c>chat</c>, <c>arena</c>).</param>
/// <param name="Rseq">The room's position number of the last message from it the client delivered; 0 when none since the join.</param>
public sealed record RoomPosition(string Room, string Type, long Rseq);
