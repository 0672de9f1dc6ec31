using System.Buffers;
using Akka.Actor;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Http;
using ActorWs.Server.Buffers;
using ActorWs.Server.Http;
using ActorWs.Server.Routing;
using ActorWs.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Connections;

/// <summary>The HTTP/1.1 side: request heads, plain HTTP answers, and the opening handshake.</summary>
internal sealed partial class ConnectionActor
{
    private HttpRequestHeadParser? _head;
    private bool _partialRequest;
    private WebSocketRoute? _route;
    private WebSocketFrameReader? _reader;
    /// <summary>
    /// From the upgrade of a session route until the session manager says which session took it (null otherwise): see
    /// <see cref="SessionHandoff"/>, which also keeps the path meanwhile.
    /// </summary>
    private SessionHandoff? _handoff;

    internal bool Handshaking(object message)
    {
        if (Common(message)) return true;
        if (message is ResumeReading)
        {
            ReadAvailable(); // the client has read enough of its responses
            return true;
        }
        if (message is ServerShuttingDown)
        {
            // Not a WebSocket (yet): finish the response in progress, if any, and go.
            if (_flushNeeded || _partialRequest) _closeAfterResponse = true;
            else Context.Stop(_self);
            return true;
        }
        return false;
    }

    /// <summary>Parses request heads from the input; answers each; stops when the connection changes phase.</summary>
    private void ProcessRequestBytes()
    {
        // Pipelined requests are answered only while the client reads the answers: past the outbound limit the rest of
        // the input waits (and nothing more is read) until the responses are down to the low-water mark.
        while (_inStart < _inEnd && _phase == ConnectionPhase.Handshaking && !_closeAfterResponse && !_pausedForReplies)
        {
            _head ??= new HttpRequestHeadParser(_runtime.HeadLimits);
            var result = _head.Feed(_in.AsSpan(_inStart, _inEnd - _inStart));
            switch (result.Status)
            {
                case HttpHeadParseStatus.NeedMore:
                    _inStart = _inEnd;
                    _partialRequest = true;
                    return;
                case HttpHeadParseStatus.Error:
                    _inStart = _inEnd;
                    Reject(new HandshakeRejection(result.ErrorStatusCode, result.ErrorReason ?? "malformed request", []), upgrade: false);
                    return;
                default:
                    _inStart += result.Consumed;
                    _partialRequest = false;
                    var head = result.Head!;
                    _head.Reset();
                    HandleRequest(head);
                    break;
            }
        }
        // Bytes after a final response are not read.
        if (_closeAfterResponse) _inStart = _inEnd;
    }

    private void HandleRequest(HttpRequestHead head)
    {
        switch (HttpRequestClassifier.Classify(head, out var rejection))
        {
            case HttpRequestKind.PlainHttp:
                AnswerHttp(head);
                break;
            case HttpRequestKind.WebSocketUpgrade:
                BeginUpgrade(head);
                break;
            default:
                Reject(rejection!, upgrade: false);
                break;
        }
    }

    private void AnswerHttp(HttpRequestHead head)
    {
        HttpResponse response;
        try
        {
            response = _runtime.Http.Answer(head, _runtime.Routes);
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "HTTP handler for {Path} failed", head.Path);
            response = HttpResponse.Text(HttpStatus.InternalServerError, "internal server error\n");
        }
        bool keepAlive = _runtime.Options.Http.KeepAlive && !_runtime.Draining && WantsKeepAlive(head) && !HasBody(head);
        var responseHead = new HttpResponseHead(response.StatusCode, response.Body.Length, keepAlive)
        {
            ContentType = response.ContentType,
            ExtraHeaders = response.Headers,
        };
        bool isHead = head.Method == "HEAD";
        int length = HttpResponseWriter.GetHeadLength(responseHead) + (isHead ? 0 : response.Body.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            bool written = isHead
                ? HttpResponseWriter.TryWriteHead(buffer, responseHead, out int n)
                : HttpResponseWriter.TryWriteResponse(buffer, responseHead, response.Body.Span, out n);
            if (!written) throw new InvalidOperationException("response buffer was sized too small");
            EnqueueRaw(buffer.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        PauseReadingIfOverLimit();
        _runtime.Metrics.HttpRequests.Add(1, new KeyValuePair<string, object?>("status", response.StatusCode));
        if (keepAlive)
        {
            // The keep-alive connection gets a fresh handshake timeout as its idle timeout.
            _phaseDeadline = _runtime.Time.GetTimestamp() + Ticks(_runtime.Options.HandshakeTimeout);
            ScheduleDeadline();
        }
        else
        {
            _closeAfterResponse = true;
        }
    }

    private static bool WantsKeepAlive(HttpRequestHead head)
    {
        if (head.Headers.ContainsToken(HttpHeaderNames.Connection, "close")) return false;
        return head.Version.IsAtLeast(HttpProtocolVersion.Http11) || head.Headers.ContainsToken(HttpHeaderNames.Connection, "keep-alive");
    }

    /// <summary>Request bodies are not read here, so a request with one ends the connection after its answer.</summary>
    private static bool HasBody(HttpRequestHead head) =>
        head.IsChunked || (head.TryGetContentLength(out long length) && length > 0);

    /// <summary>Answers with an error status and closes once it is out.</summary>
    private void Reject(HandshakeRejection rejection, bool upgrade)
    {
        int length = HandshakeResponseWriter.GetRejectionLength(rejection);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            HandshakeResponseWriter.TryWriteRejection(buffer, rejection, out int n);
            EnqueueRaw(buffer.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var statusTag = new KeyValuePair<string, object?>("status", rejection.StatusCode);
        if (upgrade) _runtime.Metrics.HandshakeFailures.Add(1, statusTag);
        else _runtime.Metrics.HttpRequests.Add(1, statusTag);
        ConnectionLog.Rejected(Log, Id, rejection.StatusCode, rejection.Reason);
        _closeAfterResponse = true;
        _phase = ConnectionPhase.Handshaking;
        SwitchTo(ConnectionBehavior.Handshaking);
    }

    private void BeginUpgrade(HttpRequestHead head)
    {
        if (!WebSocketUpgradeValidator.TryValidate(head, out var request, out var rejection))
        {
            Reject(rejection, upgrade: true);
            return;
        }
        if (_runtime.Draining)
        {
            Reject(new HandshakeRejection(HttpStatus.ServiceUnavailable, "the server is shutting down", []), upgrade: true);
            return;
        }
        if (_runtime.MemoryBudget.IsExhausted)
        {
            // Refused before the accept hook and the session: a new connection would only compete for the memory.
            Reject(new HandshakeRejection(HttpStatus.ServiceUnavailable, "server memory budget exhausted; try again later", [new HttpHeaderField("Retry-After", "5")]), upgrade: true);
            return;
        }
        if (_runtime.AddressLimits.LimitsUpgrades && _transport.RemoteEndPoint is System.Net.IPEndPoint remote
            && !_runtime.AddressLimits.TryUpgrade(Listener.AddressLimits.Normalize(remote.Address), head.Headers))
        {
            Reject(new HandshakeRejection(429, "too many WebSocket upgrades from your address; retry later", [new HttpHeaderField("Retry-After", "1")]), upgrade: true);
            return;
        }
        if (!_runtime.Routes.TryMatch(request.Path, out var route, out var values))
        {
            Reject(new HandshakeRejection(HttpStatus.NotFound, $"no WebSocket endpoint at {request.Path}", []), upgrade: true);
            return;
        }
        if (!route.IsOriginAllowed(request.Origin, _runtime.Options.WebSocket.AllowedOrigins))
        {
            Reject(new HandshakeRejection(HttpStatus.Forbidden, "origin not allowed", []), upgrade: true);
            return;
        }
        _route = route;
        var upgrade = new UpgradeRequest(request, values, _transport.RemoteEndPoint);
        // Resume attempts are limited per address before the accept hook runs: a flood costs neither the hook nor a session.
        if (route.Resumable && upgrade.GetQueryValue("resume") is { Length: > 0 } && !_runtime.ResumeAttempts.TryAcquire(_transport.RemoteEndPoint, out int retryAfter))
        {
            Reject(new HandshakeRejection(HttpStatus.TooManyRequests, "too many resume attempts",
                [new HttpHeaderField("Retry-After", retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture))]), upgrade: true);
            return;
        }
        if (route.Accept is null)
        {
            CompleteUpgrade(upgrade, AcceptDecision.Accept());
            return;
        }
        _phase = ConnectionPhase.Authorizing;
        SwitchTo(ConnectionBehavior.Upgrading);
        ValueTask<AcceptDecision> pending;
        try
        {
            pending = route.Accept(upgrade);
        }
        catch (Exception ex)
        {
            OnAcceptHookFailed(ex);
            return;
        }
        if (pending.IsCompletedSuccessfully)
        {
            CompleteUpgrade(upgrade, pending.Result);
            return;
        }
        var self = _self;
        pending.AsTask().ContinueWith(
            t => self.Tell(t.IsCompletedSuccessfully ? new AcceptHookCompleted(upgrade, t.Result) : new AcceptHookFailed(upgrade, t.Exception?.InnerException ?? t.Exception!), null),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnAcceptHookFailed(Exception ex)
    {
        Log.LogError(ex, "Accept hook of route {Route} failed for connection {ConnectionId}", _route?.Template.Text, Id);
        Reject(new HandshakeRejection(HttpStatus.InternalServerError, "the server could not decide on this connection", []), upgrade: true);
    }

    /// <summary>While the accept hook decides and the session is created: nothing is read.</summary>
    internal bool Upgrading(object message)
    {
        if (Common(message)) return true;
        switch (message)
        {
            case AcceptHookCompleted completed when _phase == ConnectionPhase.Authorizing:
                CompleteUpgrade(completed.Request, completed.Decision);
                ReadAvailable(); // what came while the hook decided
                return true;
            case AcceptHookFailed failed when _phase == ConnectionPhase.Authorizing:
                OnAcceptHookFailed(failed.Error);
                return true;
            case SessionStarted started:
                OnSessionStarted(started.Session);
                return true;
            case ResumeReading:
                return true; // nothing is read meanwhile; opening reads what waits

            // A session may close as it begins, before the session manager's SessionStarted gets here (it tells the
            // session first): the 101 is already queued, so the close frame can follow it; SessionStarted then finds the
            // connection closing, which keeps the session's reference for the end.
            case CloseRequested close when _phase == ConnectionPhase.Opening:
                StartClose(close.Code, close.Reason);
                return true;
            case ActorRoutes.CloseWebSocket close when _phase == ConnectionPhase.Opening:
                StartClose(close.Code, close.Reason);
                return true;
            case ServerShuttingDown:
                // No WebSocket yet: drop it (a session on its way hears so as this actor stops).
                Context.Stop(_self);
                return true;
            default:
                return false;
        }
    }

    private void CompleteUpgrade(UpgradeRequest request, AcceptDecision decision)
    {
        if (!decision.Accepted)
        {
            Reject(new HandshakeRejection(decision.Status, decision.Reason, []), upgrade: true);
            return;
        }
        var route = _route!;
        string? subprotocol = WebSocketSubprotocols.Negotiate(request.OfferedSubprotocols, route.Subprotocols.ToArray());
        string accept = request.Request.AcceptValue;
        var compression = route.Compression ?? _runtime.Options.WebSocket.Compression;
        var deflate = compression.Enabled && request.Request.ExtensionOffers.Count > 0
            ? PerMessageDeflateNegotiator.Negotiate(request.Request.ExtensionOffers, compression)
            : PerMessageDeflateNegotiation.NotNegotiated;
        string? extensions = deflate.IsAccepted ? deflate.ResponseHeaderValue : null;
        int length = HandshakeResponseWriter.GetSwitchingProtocolsLength(accept, subprotocol, extensions);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            HandshakeResponseWriter.TryWriteSwitchingProtocols(buffer, accept, subprotocol, extensions, out int n);
            EnqueueRaw(buffer.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _head?.Dispose();
        _head = null;
        int maxMessageSize = (int)Math.Min(int.MaxValue, route.MaxMessageSize ?? _runtime.Options.WebSocket.MaxMessageSize);
        _reader = new WebSocketFrameReader(ReaderOptions) { MaxMessageSize = maxMessageSize, Budget = this };
        if (deflate.IsAccepted) EnableCompression(deflate.Parameters!, compression, maxMessageSize);
        _queueLimit = _runtime.Options.WebSocket.OutboundQueueLimit;
        _slowConsumerPolicy = route.SlowConsumerPolicy ?? _runtime.Options.WebSocket.SlowConsumerPolicy;
        _phase = ConnectionPhase.Opening;
        SwitchTo(ConnectionBehavior.Upgrading);
        // For a route without parameters the path is the template's own string: one string less per connection.
        string path = request.Path == route.Template.Text ? route.Template.Text : request.Path;
        if (!route.Resumable && route.ActorProps is null)
        {
            // An ordinary route's session runs in this actor: open at once.
            EnterOpen(path);
            StartInlineSession(path, request, decision.Identity, subprotocol);
            return; // frames right behind the request head are decoded as the input processing goes on
        }
        var setup = new SessionSetup(WebSocketSession.IdOf(Id), _self, route, path, request.Query, request.RouteValues, _transport, decision.Identity, subprotocol);
        var handoff = _handoff = new SessionHandoff(path);
        if (route.Resumable && request.GetQueryValue("resume") is { Length: > 0 } token)
        {
            // A client coming back: resume?resume=<token>&lastSeq=<n> (a missing or bad number counts as 0), and in a cluster
            // pos=<position>:<type>:<room> for each of its rooms (to resume on another node than its session's).
            long.TryParse(request.GetQueryValue("lastSeq"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long lastSeq);
            setup = setup with { ResumeRequestedToken = token, ResumeLastSeq = lastSeq, ResumePositions = ResumePosition.ParseAll(request.GetQueryValues("pos"), _runtime.Options.Rooms.MaxPerConnection) };
        }
        _runtime.SessionManager.Tell(new StartSession(setup, handoff), _self);
    }

    private void OnSessionStarted(IActorRef session)
    {
        _sessionActor = session;
        // The application's actor of an actor route is bound to the connection: if it stops, the connection closes.
        if (_route!.ActorProps is not null) Context.Watch(session);
        var path = _handoff!.Path;
        _handoff = null;
        EnterOpen(path);
        // Frames may have come right behind the request head, or while the session was being made.
        ReadAvailable();
    }

    /// <summary>The WebSocket is open: frames flow, and the idle and ping deadlines start.</summary>
    private void EnterOpen(string path)
    {
        _phase = ConnectionPhase.Open;
        _lastReceived = _runtime.Time.GetTimestamp();
        _lastPing = _lastReceived;
        ScheduleDeadline();
        SwitchTo(ConnectionBehavior.Open);
        if (Log.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
            ConnectionLog.WebSocketOpened(Log, Id, _route!.Template.Text, path, _transport.RemoteEndPoint?.ToString());
    }
}
