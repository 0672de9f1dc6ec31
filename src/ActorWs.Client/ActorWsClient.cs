using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Protocol;
using ActorWs.Client.Requests;
using ActorWs.Client.Resume;

namespace ActorWs.Client;

/// <summary>
/// A client of ActorWs's JSON room protocol (<c>/ws</c>): requests whose replies come back as tasks (matched
/// by <c>ref</c>), chat and game rooms, room events on <see cref="Events"/>, heartbeats, reconnection with
/// exponential backoff and full jitter, and session resume without delivering a message twice.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safety: every member may be called from any thread, concurrently. Events are delivered in the order
/// the server sent them, through a bounded channel that any number of readers may drain.
/// </para>
/// <para>
/// While the connection is down, requests and sends wait for it to come back (up to
/// <see cref="ActorWsClientOptions.RequestTimeout"/>); requests in flight when it drops fail with
/// <see cref="RequestFailure.ConnectionLost"/>, because the server may or may not have acted on them.
/// </para>
/// </remarks>
public sealed partial class ActorWsClient : IAsyncDisposable
{
    /// <summary>The client's URL first, then <see cref="ActorWsClientOptions.FailoverUris"/>.</summary>
    private readonly Uri[] _uris;
    /// <summary>The index in <see cref="_uris"/> of the URL the next connection goes to.</summary>
    private volatile int _uriIndex;
    private readonly ActorWsClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly Channel<ClientEvent> _events;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SequenceTracker _sequence;
    private readonly PositionTracker _positions;
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _sendBuffer = new(1024);
    private readonly Utf8JsonWriter _sendWriter;
    private readonly List<string> _chatRooms = [];
    private readonly List<GameRoomMembership> _gameRooms = [];

    private ConnectionState _state = ConnectionState.Idle;
    private ClientConnection? _current;
    private volatile ClientConnection? _openConnection;
    private TaskCompletionSource<bool> _openSignal = NewSignal();
    private int _connections;
    private long _nextRef;
    private string? _token;
    private string? _session;
    private long _ignoredMessages;
    private long _duplicateMessages;
    private long _droppedEvents;
    /// <summary>Whether the last welcome came from a cluster node (or, before one came, positions were given to resume with).</summary>
    private volatile bool _cluster;

    /// <summary>Creates a client for <paramref name="uri"/>; nothing happens until <see cref="ConnectAsync"/>.</summary>
    /// <param name="uri">A <c>ws://</c> or <c>wss://</c> URL of a JSON room route, e.g. <c>ws://127.0.0.1:8080/ws</c>.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentException">The URL is not absolute <c>ws://</c>/<c>wss://</c>, or an option is out of range (the message names it).</exception>
    public ActorWsClient(Uri uri, ActorWsClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("ws" or "wss"))
            throw new ArgumentException($"Expected an absolute ws:// or wss:// URL, got \"{uri}\".", nameof(uri));
        _options = options ?? new ActorWsClientOptions();
        _options.Validate();
        _uris = [uri, .. _options.FailoverUris ?? []];
        _time = _options.TimeProvider;
        _random = _options.Random ?? Random.Shared.NextDouble;
        _token = _options.ResumeToken;
        _sequence = new SequenceTracker(_options.ResumeToken is null ? 0 : _options.ResumeLastSeq);
        _positions = new PositionTracker(_options.ResumeToken is null ? null : _options.ResumePositions);
        // Positions come from a cluster node only: with some saved, the first connection resumes as in a cluster.
        _cluster = !_positions.IsEmpty;
        _sendWriter = new Utf8JsonWriter(_sendBuffer);
        _events = Channel.CreateBounded<ClientEvent>(
            new BoundedChannelOptions(_options.EventCapacity) { FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _droppedEvents));
    }

    /// <summary>Creates a client for <paramref name="url"/> (see <see cref="ActorWsClient(Uri, ActorWsClientOptions?)"/>).</summary>
    public ActorWsClient(string url, ActorWsClientOptions? options = null) : this(new Uri(url ?? throw new ArgumentNullException(nameof(url))), options)
    {
    }

    /// <summary>What happens on the connection, in order: room messages, presence, notices, binary, state changes, welcomes, resume outcomes.</summary>
    /// <remarks>Completes after the <see cref="ConnectionState.Closed"/> state event.</remarks>
    public ChannelReader<ClientEvent> Events => _events.Reader;

    /// <summary>The connection state now.</summary>
    public ConnectionState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>The session id from the last <c>welcome</c> (the client's member id); null until one came.</summary>
    public string? SessionId
    {
        get
        {
            lock (_gate) return _session;
        }
    }

    /// <summary>The resume token of the current session; keep it with <see cref="LastSeq"/> to resume from a later run.</summary>
    public string? ResumeToken
    {
        get
        {
            lock (_gate) return _token;
        }
    }

    /// <summary>The last sequence number delivered on <see cref="Events"/> (0: none).</summary>
    public long LastSeq => _sequence.Last;

    /// <summary>Whether the server's last <c>welcome</c> said it is a cluster node (<c>"cluster":true</c>): then the client tracks <see cref="Positions"/>.</summary>
    public bool IsCluster => _cluster;

    /// <summary>
    /// On a cluster node, the client's position in each room it is in (ordered by room name): sent on every resume, so
    /// that another node can take the session over. Keep them with <see cref="ResumeToken"/> and <see cref="LastSeq"/> to
    /// resume from a later run (<see cref="ActorWsClientOptions.ResumePositions"/>). Empty when the server is not a cluster node.
    /// </summary>
    public IReadOnlyList<RoomPosition> Positions => _positions.Snapshot();

    /// <summary>The chat rooms the client is in (joined by name), in join order.</summary>
    public IReadOnlyList<string> ChatRooms
    {
        get
        {
            lock (_gate) return _chatRooms.ToArray();
        }
    }

    /// <summary>The game rooms the client is in (joined by matchmaking or id).</summary>
    public IReadOnlyList<GameRoomMembership> GameRooms
    {
        get
        {
            lock (_gate) return _gameRooms.ToArray();
        }
    }

    /// <summary>Messages from the server that were ignored: not JSON, not an object, an unknown <c>op</c>, missing fields, a too-short binary.</summary>
    public long IgnoredMessages => Interlocked.Read(ref _ignoredMessages);

    /// <summary>Numbered messages dropped because they had been delivered already (a resume that overlapped).</summary>
    public long DuplicateMessages => Interlocked.Read(ref _duplicateMessages);

    /// <summary>Events dropped because <see cref="Events"/> was full (see <see cref="ActorWsClientOptions.EventCapacity"/>).</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    /// <summary>How many connections the client has opened so far (1 plus each reconnection).</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>Stops the client (see <see cref="CloseAsync"/>).</summary>
    /// <remarks>
    /// The send lock and the lifetime token are left to the garbage collector: neither holds an unmanaged
    /// resource here, and a timer tick already under way may still touch them.
    /// </remarks>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Publish(ClientEvent clientEvent) => _events.Writer.TryWrite(clientEvent);

    /// <summary>Must hold <see cref="_gate"/>: the state and its event change together, so events keep their order.</summary>
    private void SetStateLocked(ConnectionState state, int attempt = 0, TimeSpan? retryIn = null, string? reason = null)
    {
        _state = state;
        Publish(new ConnectionStateChanged(state, attempt, retryIn, reason));
    }

    /// <summary>A request waiting for its reply, and the connection it went out on.</summary>
    private sealed class PendingRequest(ClientConnection connection, string op)
    {
        public ClientConnection Connection { get; } = connection;
        public string Op { get; } = op;
        public TaskCompletionSource<JsonElement> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
