using Microsoft.Extensions.Logging;
using Xunit.Sdk;

namespace ActorWs.Actors.TestKit;

/// <summary>
/// Base class for xunit test classes (xunit creates one instance per test, so each test gets a
/// fresh <see cref="ActorSystem"/>): a controllable clock (<see cref="Time"/>), a default probe
/// (<see cref="TestActor"/> with <c>ExpectMsg</c> and friends), <see cref="CreateTestProbe"/>,
/// <see cref="AwaitAssert"/>, captured logs (<see cref="LogEvents"/>) and recorded dead letters.
/// <see cref="Dispose()"/> terminates the system.
/// </summary>
/// <remarks>Meant for one test thread; the system itself is thread-safe.</remarks>
public class TestKit : IDisposable
{
    private static int s_systemCounter;
    private static int s_probeCounter;

    private readonly ILoggerFactory _loggerFactory;
    private readonly TestProbe _testActor;
    private readonly TestProbe _deadLetters;
    private bool _disposed;

    /// <summary>Creates the kit with <see cref="TestKitSettings.Default"/>.</summary>
    public TestKit()
        : this(null)
    {
    }

    /// <summary>Creates the kit.</summary>
    /// <param name="settings">Kit settings; defaults when null.</param>
    /// <param name="systemName">The system's name; a unique generated one when null.</param>
    public TestKit(TestKitSettings? settings, string? systemName = null)
    {
        Settings = settings ?? TestKitSettings.Default;
        Time = new TestTimeProvider();
        Logs = new CapturingLoggerProvider(Settings.MinimumLogLevel);
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(Settings.MinimumLogLevel).AddProvider(Logs));
        var systemSettings = (Settings.SystemSettings ?? ActorSystemSettings.Default) with
        {
            TimeProvider = Settings.UseFakeTime ? Time : TimeProvider.System,
            LoggerFactory = _loggerFactory,
        };
        Sys = ActorSystem.Create(systemName ?? $"test-{Interlocked.Increment(ref s_systemCounter)}", systemSettings);
        _testActor = CreateTestProbe("testActor");
        _deadLetters = CreateProbe("deadLetterRecorder", keepHistory: true);
        Sys.EventStream.Subscribe(_deadLetters.Ref, typeof(DeadLetter));
    }

    /// <summary>The actor system under test.</summary>
    public ActorSystem Sys { get; }

    /// <summary>The kit's settings.</summary>
    public TestKitSettings Settings { get; }

    /// <summary>The system's clock when <see cref="TestKitSettings.UseFakeTime"/> is on: advance it to fire timers.</summary>
    public TestTimeProvider Time { get; }

    /// <summary>The provider that records everything the system logs.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>A snapshot of the captured log entries.</summary>
    public IReadOnlyList<CapturedLogEvent> LogEvents => Logs.Events;

    /// <summary>The default probe's reference; the kit's own <c>ExpectMsg</c> methods read from it.</summary>
    public IActorRef TestActor => _testActor.Ref;

    /// <summary>The default probe.</summary>
    public TestProbe TestProbe => _testActor;

    /// <summary>Every dead letter published so far, oldest first.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters => _deadLetters.History.OfType<DeadLetter>().ToArray();

    /// <summary>Creates a probe.</summary>
    /// <param name="name">A name for its path; generated when null.</param>
    /// <returns>The probe.</returns>
    public TestProbe CreateTestProbe(string? name = null)
        => CreateProbe(name ?? $"testProbe-{Interlocked.Increment(ref s_probeCounter)}", keepHistory: false);

    /// <inheritdoc cref="TestProbe.ExpectMsg{T}(Func{T, bool}?, TimeSpan?)"/>
    public T ExpectMsg<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null) => _testActor.ExpectMsg(predicate, timeout);

    /// <inheritdoc cref="TestProbe.ExpectMsg{T}(T, TimeSpan?)"/>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) => _testActor.ExpectMsg(expected, timeout);

    /// <inheritdoc cref="TestProbe.ExpectNoMsg"/>
    public void ExpectNoMsg(TimeSpan? duration = null) => _testActor.ExpectNoMsg(duration);

    /// <inheritdoc cref="TestProbe.ExpectTerminated"/>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null) => _testActor.ExpectTerminated(target, timeout);

    /// <inheritdoc cref="TestProbe.FishForMessage(Func{object, bool}, TimeSpan?)"/>
    public object FishForMessage(Func<object, bool> isMessage, TimeSpan? max = null) => _testActor.FishForMessage(isMessage, max);

    /// <inheritdoc cref="TestProbe.ReceiveWhile{T}"/>
    public IReadOnlyList<T> ReceiveWhile<T>(Func<object, T?> filter, TimeSpan? max = null, TimeSpan? idle = null, int maxMessages = int.MaxValue)
        where T : class
        => _testActor.ReceiveWhile(filter, max, idle, maxMessages);

    /// <inheritdoc cref="TestProbe.ReceiveN"/>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? max = null) => _testActor.ReceiveN(count, max);

    /// <summary>Makes the default probe watch <paramref name="actor"/>.</summary>
    /// <param name="actor">The actor.</param>
    /// <returns><paramref name="actor"/>.</returns>
    public IActorRef Watch(IActorRef actor) => _testActor.Watch(actor);

    /// <summary>
    /// Runs <paramref name="assertion"/> until it stops throwing or <paramref name="duration"/> (real
    /// time) has passed; then rethrows its last failure.
    /// </summary>
    /// <param name="assertion">The assertion.</param>
    /// <param name="duration">Overall limit; the default timeout when null.</param>
    /// <param name="interval">Pause between attempts; 10 ms when null.</param>
    /// <exception cref="Exception">The assertion's last failure.</exception>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var deadline = DateTime.UtcNow + (duration ?? Settings.DefaultTimeout);
        var pause = interval ?? TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow + pause < deadline)
            {
                Thread.Sleep(pause);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="max"/> (real time) has passed.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="max">Overall limit; the default timeout when null.</param>
    /// <param name="message">Text for the failure.</param>
    /// <exception cref="XunitException">The condition did not hold in time.</exception>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        AwaitAssert(() =>
        {
            if (!condition())
            {
                throw new XunitException($"Condition not met within {max ?? Settings.DefaultTimeout}: {message ?? "(no description)"}.");
            }
        }, max);
    }

    /// <summary>Waits for a captured log entry matching <paramref name="predicate"/>.</summary>
    /// <param name="predicate">The entry wanted.</param>
    /// <param name="timeout">Real-time limit; the default timeout when null.</param>
    /// <returns>The first matching entry.</returns>
    /// <exception cref="XunitException">No such entry was logged in time.</exception>
    public CapturedLogEvent ExpectLogEvent(Func<CapturedLogEvent, bool> predicate, TimeSpan? timeout = null)
    {
        var wait = timeout ?? Settings.DefaultTimeout;
        return Logs.WaitFor(predicate, wait)
               ?? throw new XunitException($"No matching log entry within {wait}; captured {Logs.Events.Count} entries.");
    }

    /// <summary>Waits for the next dead letter matching <paramref name="predicate"/> (earlier non-matching ones are skipped).</summary>
    /// <param name="predicate">The dead letter wanted; any when null.</param>
    /// <param name="timeout">Real-time limit; the default timeout when null.</param>
    /// <returns>The dead letter.</returns>
    /// <exception cref="XunitException">None arrived in time.</exception>
    public DeadLetter ExpectDeadLetter(Func<DeadLetter, bool>? predicate = null, TimeSpan? timeout = null)
        => _deadLetters.FishForMessage<DeadLetter>(predicate ?? (static _ => true), timeout);

    /// <summary>Terminates the system (waiting up to <see cref="TestKitSettings.ShutdownTimeout"/>).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Terminates the system; override to release more.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        Sys.Terminate().Wait(Settings.ShutdownTimeout);
        _loggerFactory.Dispose();
    }

    private TestProbe CreateProbe(string name, bool keepHistory)
    {
        var path = ActorPath.CreateRoot(Sys.Name).ChildOfValidName(ActorSystem.SystemGuardianName).Child(name);
        return new TestProbe(new TestProbeRef(Sys, path, keepHistory), Settings);
    }
}
