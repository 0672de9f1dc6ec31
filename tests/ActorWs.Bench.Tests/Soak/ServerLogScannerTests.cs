using ActorWs.Bench.Soak;
using Xunit;

namespace ActorWs.Bench.Tests.Soak;

public class ServerLogScannerTests
{
    [Fact]
    public void Errors_of_injected_faults_are_counted_apart_from_real_ones()
    {
        var scanner = new ServerLogScanner();
        scanner.Feed("[05:40:01 ERR] ActorWs.Server.Sessions: Session handler failed; the session is stopped and its connection closed with 1011");
        scanner.Feed("ActorWs.Soak.SoakInjectedFaultException: session s-1f fails on purpose (soak fault injection)");
        scanner.Feed("   at ActorWs.Soak.CrashableJsonRoomsHandler.OnMessage(IWebSocketSession session, WebSocketMessage message)");
        scanner.Feed("[05:40:02 WRN] ActorWs.Server.Connections: Connection 12 closed: slow consumer");
        scanner.Feed("[05:40:03 ERR] ActorWs.Server.Rooms: Room chat-1 failed while disposing");
        scanner.Feed("System.NullReferenceException: Object reference not set to an instance of an object.");
        scanner.Feed("[05:40:04 INF] ActorWs.Server: something ordinary");
        scanner.Complete();

        Assert.Equal(1, scanner.InjectedErrorCount);
        Assert.Equal(1, scanner.ErrorCount);
        Assert.Equal(1, scanner.WarningCount);
        var error = Assert.Single(scanner.Errors);
        Assert.Contains("Room chat-1 failed while disposing", error, StringComparison.Ordinal);
        Assert.Contains("NullReferenceException", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unhandled_exception_is_an_error_wherever_it_is_written()
    {
        var scanner = new ServerLogScanner();
        scanner.Feed("Unhandled exception. System.InvalidOperationException: boom");
        scanner.Feed("[05:40:04 INF] ActorWs.Server: after");
        scanner.Feed("Unhandled exception. System.InvalidOperationException: again, inside an information event's lines");
        scanner.Complete();
        Assert.Equal(2, scanner.ErrorCount);
    }

    [Fact]
    public void Warnings_are_grouped_by_their_text_before_the_first_digit()
    {
        var scanner = new ServerLogScanner();
        scanner.Feed("[05:40:02 WRN] ActorWs.Server.Connections: Connection 12 closed");
        scanner.Feed("[05:40:03 WRN] ActorWs.Server.Connections: Connection 13 closed");
        scanner.Complete();
        var (text, count) = Assert.Single(scanner.Warnings);
        Assert.Equal(2, count);
        Assert.Equal("ActorWs.Server.Connections: Connection ", text);
    }

    [Fact]
    public void Akka_NETs_own_console_format_is_read_too()
    {
        var scanner = new ServerLogScanner();
        scanner.Feed("[ERROR][12/06/2026 05:40:01.123Z][Thread 0012][akka://actorws/user/rooms/chaos-1] room chaos-1 fails on purpose (soak fault injection)");
        scanner.Feed("[ERROR][12/06/2026 05:40:02.123Z][Thread 0012][akka://actorws/user/x] Something else broke");
        scanner.Feed("[WARNING][12/06/2026 05:40:03.123Z][Thread 0012][akka://actorws/user/y] Dead letter");
        scanner.Complete();
        Assert.Equal(1, scanner.InjectedErrorCount);
        Assert.Equal(1, scanner.ErrorCount);
        Assert.Equal(1, scanner.WarningCount);
    }
}
