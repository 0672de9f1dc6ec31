using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace ActorWs.Server.Transport.Streams;

/// <summary>
/// A connection over a <see cref="Stream"/> (a <see cref="NetworkStream"/>, or an <see cref="SslStream"/>
/// for TLS), adapted to the pull interface with one background read and one background write at a time.
/// Used on platforms without epoll and for TLS, where bytes must go through the stream.
/// </summary>
/// <remarks>
/// While idle it holds no buffer: a read first waits with a zero-byte read (which both
/// <see cref="NetworkStream"/> and <see cref="SslStream"/> support) and rents a buffer only when data is there.
/// Thread-safety: see <see cref="IConnectionTransport"/>; its own state is guarded by a lock because the
/// background read and write complete on thread-pool threads.
/// </remarks>
internal sealed class StreamConnectionTransport : IConnectionTransport
{
    /// <summary>How much one background read takes at most.</summary>
    public const int ReadChunkSize = 16 * 1024;

    /// <summary>How much the transport buffers for the background write before saying WouldBlock.</summary>
    public const int MaxPendingWrite = 256 * 1024;

    private readonly object _gate = new();
    private readonly Stream _stream;
    private readonly Socket _socket;
    private Func<Stream, Task>? _authenticate;
    private ITransportOwner? _owner;

    private byte[]? _readBuffer;
    private int _readStart;
    private int _readEnd;
    private bool _readInFlight;
    private bool _endOfStream;

    private byte[]? _writeBuffer;
    private int _writeLength;
    private bool _writeInFlight;
    private bool _shutdownRequested;

    private bool _failed;
    private bool _disposed;
    private int _readiness;
    private int _signalled = 1;

    /// <param name="socket">The accepted socket.</param>
    /// <param name="stream">The stream over it.</param>
    /// <param name="authenticate">The TLS handshake to run before the first read, or null.</param>
    public StreamConnectionTransport(Socket socket, Stream stream, Func<Stream, Task>? authenticate = null)
    {
        _socket = socket;
        _stream = stream;
        _authenticate = authenticate;
        RemoteEndPoint = socket.RemoteEndPoint;
    }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>None: the stream's reads and writes complete on pool threads, so its owner runs on the usual dispatcher.</summary>
    public string? DispatcherId => null;

    /// <inheritdoc />
    /// <remarks>The shared queue rather than the calling thread's own, which a pool thread takes newest first.</remarks>
    public void Defer(Akka.Dispatch.IRunnable task) => ThreadPool.UnsafeQueueUserWorkItem(task, preferLocal: false);

    public void Start(ITransportOwner owner)
    {
        _owner = owner;
        Interlocked.Or(ref _readiness, (int)(TransportReadiness.Readable | TransportReadiness.Writable));
        owner.OnTransportSignal();
    }

    public TransportReadiness TakeReadiness()
    {
        Volatile.Write(ref _signalled, 0);
        return (TransportReadiness)Interlocked.Exchange(ref _readiness, 0);
    }

    private void Signal(TransportReadiness readiness)
    {
        Interlocked.Or(ref _readiness, (int)readiness);
        if (Interlocked.Exchange(ref _signalled, 1) == 0) _owner?.OnTransportSignal();
    }

    public ReceiveStatus Receive(Span<byte> destination, out int bytesReceived)
    {
        bytesReceived = 0;
        lock (_gate)
        {
            if (_readBuffer is not null)
            {
                int n = Math.Min(destination.Length, _readEnd - _readStart);
                _readBuffer.AsSpan(_readStart, n).CopyTo(destination);
                _readStart += n;
                bytesReceived = n;
                if (_readStart == _readEnd)
                {
                    ArrayPool<byte>.Shared.Return(_readBuffer);
                    _readBuffer = null;
                    // Drained: wait for more at once, so a signal follows (the owner takes a short read as
                    // "nothing more for now" and will not ask again until signalled).
                    StartReadLocked();
                }
                return ReceiveStatus.Data;
            }
            if (_failed) return ReceiveStatus.Failed;
            if (_endOfStream) return ReceiveStatus.EndOfStream;
            StartReadLocked();
            return ReceiveStatus.WouldBlock;
        }
    }

    private void StartReadLocked()
    {
        if (_readInFlight || _failed || _endOfStream) return;
        _readInFlight = true;
        _ = ReadInBackground();
    }

    private async Task ReadInBackground()
    {
        byte[]? buffer = null;
        try
        {
            if (_authenticate is { } authenticate)
            {
                // TLS: the handshake runs before the first read; the connection's handshake timeout covers it.
                _authenticate = null;
                await authenticate(_stream).ConfigureAwait(false);
            }
            // Wait for data without holding a buffer, then take what is there.
            await _stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
            buffer = ArrayPool<byte>.Shared.Rent(ReadChunkSize);
            int n = await _stream.ReadAsync(buffer).ConfigureAwait(false);
            lock (_gate)
            {
                _readInFlight = false;
                if (n == 0)
                {
                    _endOfStream = true;
                }
                else
                {
                    _readBuffer = buffer;
                    _readStart = 0;
                    _readEnd = n;
                    buffer = null;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException or AuthenticationException)
        {
            lock (_gate)
            {
                _readInFlight = false;
                _failed = true;
            }
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
        Signal(TransportReadiness.Readable);
    }

    public SendStatus Send(ReadOnlySpan<byte> source, out int bytesSent)
    {
        bytesSent = 0;
        lock (_gate)
        {
            if (_failed) return SendStatus.Failed;
            int room = MaxPendingWrite - _writeLength;
            int n = Math.Min(room, source.Length);
            if (n > 0)
            {
                if (_writeBuffer is null || _writeBuffer.Length < _writeLength + n)
                {
                    var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_writeLength + n, 4096));
                    if (_writeBuffer is not null)
                    {
                        _writeBuffer.AsSpan(0, _writeLength).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(_writeBuffer);
                    }
                    _writeBuffer = grown;
                }
                source[..n].CopyTo(_writeBuffer.AsSpan(_writeLength));
                _writeLength += n;
                bytesSent = n;
            }
            if (!_writeInFlight && _writeLength > 0)
            {
                _writeInFlight = true;
                _ = WriteInBackground();
            }
            return n == source.Length ? SendStatus.Complete : SendStatus.WouldBlock;
        }
    }

    private async Task WriteInBackground()
    {
        while (true)
        {
            byte[] buffer;
            int length;
            lock (_gate)
            {
                if (_writeLength == 0 || _failed)
                {
                    _writeInFlight = false;
                    if (_writeBuffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(_writeBuffer);
                        _writeBuffer = null;
                    }
                    if (_shutdownRequested && !_failed) ShutdownNow();
                    break;
                }
                // Take the whole pending buffer; new sends start a fresh one meanwhile.
                buffer = _writeBuffer!;
                length = _writeLength;
                _writeBuffer = null;
                _writeLength = 0;
            }
            try
            {
                await _stream.WriteAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                lock (_gate) _failed = true;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        Signal(TransportReadiness.Writable);
    }

    public void ShutdownSend()
    {
        lock (_gate)
        {
            _shutdownRequested = true;
            if (!_writeInFlight) ShutdownNow();
        }
    }

    private void ShutdownNow()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
            // Close the socket before the stream: disposing a NetworkStream first shuts it down
            // gracefully (FIN), and an abort must reset instead.
            _socket.Dispose();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _failed = true;
            _owner = null;
            if (_readBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_readBuffer);
                _readBuffer = null;
            }
        }
        _stream.Dispose();
        _socket.Dispose();
    }
}
