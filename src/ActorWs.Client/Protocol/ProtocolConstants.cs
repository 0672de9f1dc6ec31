namespace ActorWs.Client.Protocol;

/// <summary>Values fixed by the JSON room protocol (README, "The JSON room protocol") and RFC 6455.</summary>
internal static class ProtocolConstants
{
    /// <summary>Room names longer than this (in UTF-8 bytes) are refused by the server.</summary>
    public const int MaxRoomNameBytes = 128;

    /// <summary>The largest page of rooms <c>listRooms</c> may ask for (its <c>limit</c>).</summary>
    public const int MaxListLimit = 200;

    /// <summary>A binary message from a room starts with the session sequence number as 4 bytes, big-endian.</summary>
    public const int BinarySequencePrefixBytes = 4;

    /// <summary>
    /// From a cluster node, a binary message carries more before the payload: the room position (4 bytes, big-endian),
    /// then the room name's length in UTF-8 bytes (1 byte), then the name. This is the fixed part, the sequence number's included.
    /// </summary>
    public const int ClusterBinaryFixedPrefixBytes = BinarySequencePrefixBytes + 4 + 1;

    /// <summary>RFC 6455 7.4.1: normal closure. Closing with it ends the session on the server at once.</summary>
    public const int NormalClosure = 1000;

    /// <summary>RFC 6455 7.4.1: the endpoint received a message too big to process.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>The query parameter carrying the resume token on reconnection.</summary>
    public const string ResumeParameter = "resume";

    /// <summary>The query parameter carrying the last sequence number the client processed.</summary>
    public const string LastSeqParameter = "lastSeq";

    /// <summary>The query parameter, one per room, carrying the client's room positions on a resume from a cluster node: <c>rseq:type:room</c>.</summary>
    public const string PositionParameter = "pos";
}
