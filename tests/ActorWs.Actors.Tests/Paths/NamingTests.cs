namespace ActorWs.Actors.Tests.Paths;

/// <summary>Actor names, generated names, paths and system settings validation.</summary>
public sealed class NamingTests : ActorTestKit
{
    [Fact]
    public void Generated_names_are_short_unique_and_valid()
    {
        var names = Enumerable.Range(0, 200).Select(_ => Sys.ActorOf(Props.Create(() => new EchoActor())).Path.Name).ToList();
        Assert.Equal("$a", names[0]);
        Assert.Equal("$b", names[1]);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.True(ActorPath.IsValidPathElement(n), n));
    }

    [Fact]
    public void Paths_reflect_the_hierarchy()
    {
        var parent = Sys.ActorOf(TestProps.Reporting(TestActor, "p"), "room-1");
        ExpectMsg("p:PreStart");
        var child = TestProbe.CreateChildOf(parent, Props.Create(() => new EchoActor()), "member");
        Assert.Equal("/user/room-1/member", child.Path.ToStringWithoutAddress());
        Assert.Equal($"actorws://{Sys.Name}/user/room-1/member", child.Path.ToString());
        Assert.Equal(parent.Path, child.Path.Parent);
        Assert.Equal(["user", "room-1", "member"], child.Path.Elements);
        Assert.Equal(ActorPath.CreateRoot(Sys.Name) / "user" / "room-1" / "member", child.Path);
    }

    [Fact]
    public void Invalid_and_duplicate_names_are_rejected()
    {
        Sys.ActorOf(Props.Create(() => new EchoActor()), "taken");
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "taken"));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "$reserved"));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "has space"));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), ""));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "a/b"));
    }

    [Fact]
    public void Child_lookup_returns_the_child_or_Nobody()
    {
        var finder = Sys.ActorOf(Props.Create(() => new ChildFinder()));
        finder.Tell("kid", TestActor);
        var kid = ExpectMsg<IActorRef>();
        Assert.Equal("kid", kid.Path.Name);
        finder.Tell("missing", TestActor);
        Assert.Equal(ActorRefs.Nobody, ExpectMsg<IActorRef>());
    }

    [Fact]
    public void Path_element_validity_matches_the_documented_alphabet()
    {
        var property = FsCheck.Fluent.Prop.ForAll<FsCheck.NonEmptyString>(text =>
        {
            string s = text.Get;
            bool expected = s.All(c => char.IsAsciiLetterOrDigit(c) || "-_.*$+:@&=,!~';".Contains(c));
            return ActorPath.IsValidPathElement(s) == expected;
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void System_names_and_settings_are_validated()
    {
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("bad name"));
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("-leading"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActorSystem.Create("ok", new ActorSystemSettings { Throughput = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActorSystem.Create("ok", new ActorSystemSettings { DefaultAskTimeout = TimeSpan.Zero }));
    }

    private sealed class ChildFinder : UntypedActor
    {
        protected override void PreStart() => Context.ActorOf(Props.Create(() => new EchoActor()), "kid");

        protected override void OnReceive(object message) => Sender.Tell(Context.Child((string)message));
    }
}
