using Microsoft.Extensions.Logging;

namespace ActorWs.Actors.Tests.Events;

/// <summary>Event stream, dead letters, unhandled messages and actor logging.</summary>
public sealed class EventsAndLoggingTests : ActorTestKit
{
    [Fact]
    public void Subscribers_receive_events_of_their_channel_type_and_its_subtypes_only()
    {
        var animals = CreateTestProbe();
        var dogs = CreateTestProbe();
        Assert.True(Sys.EventStream.Subscribe<Animal>(animals.Ref));
        Assert.False(Sys.EventStream.Subscribe<Animal>(animals.Ref));
        Sys.EventStream.Subscribe(dogs.Ref, typeof(Dog));
        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish(new Cat("tom"));
        Sys.EventStream.Publish("not an animal");
        Assert.Equal(new Dog("rex"), animals.ExpectMsg<Dog>());
        Assert.Equal(new Cat("tom"), animals.ExpectMsg<Cat>());
        Assert.Equal(new Dog("rex"), dogs.ExpectMsg<Dog>());
        animals.ExpectNoMsg();
        dogs.ExpectNoMsg();

        Assert.True(Sys.EventStream.Unsubscribe(dogs.Ref));
        Sys.EventStream.Publish(new Dog("fido"));
        animals.ExpectMsg<Dog>();
        dogs.ExpectNoMsg();
    }

    [Fact]
    public void Messages_to_stopped_actors_are_published_and_counted_as_dead_letters_and_never_throw()
    {
        var actor = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        long before = Sys.DeadLetterCount;
        actor.Tell("late 1", TestActor);
        actor.Tell("late 2", null);
        var first = ExpectDeadLetter(d => Equals(d.Message, "late 1"));
        Assert.Equal(actor, first.Recipient);
        Assert.Equal(TestActor, first.Sender);
        ExpectDeadLetter(d => Equals(d.Message, "late 2"));
        Assert.Equal(before + 2, Sys.DeadLetterCount);
        ExpectLogEvent(e => e.Level == LogLevel.Information && e.Message.Contains("not delivered", StringComparison.Ordinal));
    }

    [Fact]
    public void Unhandled_messages_are_published_and_logged_at_debug_with_the_actor_path()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<UnhandledMessage>(probe.Ref);
        var picky = Sys.ActorOf(Props.Create(() => new Picky()), "picky");
        picky.Tell(3.14, TestActor);
        var unhandled = probe.ExpectMsg<UnhandledMessage>();
        Assert.Equal(3.14, unhandled.Message);
        Assert.Equal(picky, unhandled.Recipient);
        Assert.Equal(TestActor, unhandled.Sender);
        var logged = ExpectLogEvent(e => e.Level == LogLevel.Debug && e.Message.Contains("Unhandled", StringComparison.Ordinal));
        Assert.Equal(picky.Path.ToString(), logged.ActorPath);
    }

    [Fact]
    public void GetLogger_writes_through_the_system_logger_factory_with_the_actor_path_in_scope()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Chatty()), "chatty");
        actor.Tell("hello", null);
        var entry = ExpectLogEvent(e => e.Message == "got hello");
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.EndsWith("EventsAndLoggingTests.Chatty", entry.Category, StringComparison.Ordinal);
        Assert.EndsWith("/user/chatty", entry.ActorPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Stopped_subscribers_are_dropped_without_dead_letter_loops()
    {
        var subscriber = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Sys.EventStream.Subscribe<DeadLetter>(subscriber);
        Watch(subscriber);
        Sys.Stop(subscriber);
        ExpectTerminated(subscriber);
        Sys.DeadLetters.Tell("to the office", null);
        ExpectDeadLetter(d => Equals(d.Message, "to the office"));
        Sys.DeadLetters.Tell("again", null);
        ExpectDeadLetter(d => Equals(d.Message, "again"));
        Assert.Equal(2, Sys.DeadLetterCount);
    }

    private abstract record Animal(string Name);

    private sealed record Dog(string Name) : Animal(Name);

    private sealed record Cat(string Name) : Animal(Name);

    private sealed class Picky : ReceiveActor
    {
        public Picky() => Receive<string>(_ => { });
    }

    private sealed class Chatty : ReceiveActor
    {
        public Chatty()
        {
            var log = Context.GetLogger();
            Receive<string>(s => log.LogInformation("got {Text}", s));
        }
    }
}
