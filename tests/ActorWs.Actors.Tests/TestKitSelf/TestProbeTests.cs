using Xunit.Sdk;

namespace ActorWs.Actors.Tests.TestKitSelf;

/// <summary>Every TestKit expectation passes when it should and fails when it should.</summary>
public sealed class TestProbeTests : ActorTestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void ExpectMsg_returns_a_matching_message_and_fails_on_timeout_type_predicate_or_value()
    {
        var probe = CreateTestProbe();
        probe.Ref.Tell("text", TestActor);
        Assert.Equal("text", probe.ExpectMsg<string>());
        Assert.Equal(TestActor, probe.LastSender);

        Assert.Contains("Timeout", Assert.Throws<XunitException>(() => probe.ExpectMsg<string>(timeout: Short)).Message);
        probe.Ref.Tell(42, null);
        Assert.Contains("Int32", Assert.Throws<XunitException>(() => probe.ExpectMsg<string>()).Message);
        probe.Ref.Tell("other", null);
        Assert.Throws<XunitException>(() => probe.ExpectMsg<string>(s => s == "wanted"));
        probe.Ref.Tell("other", null);
        Assert.Throws<XunitException>(() => probe.ExpectMsg("wanted"));
    }

    [Fact]
    public void ExpectNoMsg_fails_when_a_message_arrives()
    {
        var probe = CreateTestProbe();
        probe.ExpectNoMsg(Short);
        probe.Ref.Tell("surprise", null);
        Assert.Contains("surprise", Assert.Throws<XunitException>(() => probe.ExpectNoMsg(Short)).Message);
    }

    [Fact]
    public async Task ExpectNoMsg_with_fake_time_waits_only_briefly_in_real_time()
    {
        var probe = CreateTestProbe();
        // An hour of fake time must not be waited in real time; WaitAsync throws if it is.
        await Task.Run(() => probe.ExpectNoMsg(TimeSpan.FromHours(1))).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void ExpectTerminated_fails_for_another_actor_or_no_termination()
    {
        var probe = CreateTestProbe();
        var first = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var second = Sys.ActorOf(Props.Create(() => new EchoActor()));
        probe.Watch(first);
        probe.Watch(second);
        Assert.Throws<XunitException>(() => probe.ExpectTerminated(first, Short));
        Sys.Stop(second);
        Assert.Throws<XunitException>(() => probe.ExpectTerminated(first));
        Sys.Stop(first);
        Assert.Equal(first, probe.ExpectTerminated(first).ActorRef);
    }

    [Fact]
    public void FishForMessage_skips_until_the_wanted_message_and_fails_when_it_never_comes()
    {
        var probe = CreateTestProbe();
        foreach (var m in new object[] { 1, "skip", 2, "wanted" })
        {
            probe.Ref.Tell(m, null);
        }

        Assert.Equal("wanted", probe.FishForMessage(m => m is "wanted"));
        probe.Ref.Tell("not it", null);
        var failure = Assert.Throws<XunitException>(() => probe.FishForMessage<string>(s => s == "never", Short));
        Assert.Contains("not it", failure.Message);
    }

    [Fact]
    public void ReceiveWhile_collects_until_the_filter_declines_and_leaves_that_message_queued()
    {
        var probe = CreateTestProbe();
        foreach (var m in new object[] { "a", "b", 3, "c" })
        {
            probe.Ref.Tell(m, null);
        }

        var letters = probe.ReceiveWhile(m => m as string);
        Assert.Equal(["a", "b"], letters);
        Assert.Equal(3, probe.ExpectMsg<int>());
        Assert.Equal(["c"], probe.ReceiveWhile(m => m as string, idle: Short));
        Assert.Empty(probe.ReceiveWhile(m => m as string, max: Short));
    }

    [Fact]
    public void ReceiveN_fails_when_too_few_messages_arrive()
    {
        var probe = CreateTestProbe();
        probe.Ref.Tell(1, null);
        probe.Ref.Tell(2, null);
        Assert.Equal([1, 2], probe.ReceiveN(2).Cast<int>());
        probe.Ref.Tell(3, null);
        Assert.Contains("1 of 2", Assert.Throws<XunitException>(() => probe.ReceiveN(2, Short)).Message);
    }

    [Fact]
    public void AwaitAssert_retries_until_success_and_rethrows_the_last_failure_otherwise()
    {
        int attempts = 0;
        AwaitAssert(() => Assert.True(++attempts >= 3));
        Assert.Equal(3, attempts);
        var failure = Assert.Throws<EqualException>(() => AwaitAssert(() => Assert.Equal(1, 2), TimeSpan.FromMilliseconds(100)));
        Assert.Contains("Values differ", failure.Message);
        Assert.Throws<XunitException>(() => AwaitCondition(() => false, TimeSpan.FromMilliseconds(50), "never true"));
    }

    [Fact]
    public void ExpectLogEvent_finds_captured_entries_and_fails_when_there_is_none()
    {
        Sys.Log.LogWarningMessage("captured warning");
        var entry = ExpectLogEvent(e => e.Message == "captured warning");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, entry.Level);
        Assert.Throws<XunitException>(() => ExpectLogEvent(e => e.Message == "never logged", Short));
    }

    [Fact]
    public void ExpectDeadLetter_finds_dead_letters_and_fails_when_there_is_none()
    {
        Sys.DeadLetters.Tell("lost", TestActor);
        Assert.Equal("lost", ExpectDeadLetter().Message);
        Assert.Throws<XunitException>(() => ExpectDeadLetter(timeout: Short));
        Assert.Single(DeadLetters);
    }

    [Fact]
    public void Reply_and_Forward_use_the_last_sender()
    {
        var probe = CreateTestProbe();
        probe.Ref.Tell("question", TestActor);
        probe.ExpectMsg("question");
        probe.Reply("answer");
        ExpectMsg("answer");
        Assert.Equal(probe.Ref, TestProbe.LastSender);
        var target = CreateTestProbe();
        probe.Forward(target.Ref);
        target.ExpectMsg("question");
        Assert.Equal(TestActor, target.LastSender);
    }
}

internal static class LoggerTestExtensions
{
    public static void LogWarningMessage(this Microsoft.Extensions.Logging.ILogger logger, string text)
        => Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, text);
}
