using ActorWs.Client.Connection;
using ActorWs.Client.Resume;

namespace ActorWs.Client.Tests.Connection;

public class ResumeUriTests
{
    [Fact]
    public void Without_a_token_the_url_is_unchanged() =>
        Assert.Equal("ws://127.0.0.1:8080/ws", ResumeUri.Build(new Uri("ws://127.0.0.1:8080/ws"), null, 0).ToString());

    [Fact]
    public void A_token_adds_resume_and_last_seq() =>
        Assert.Equal("ws://127.0.0.1:8080/ws?resume=tok&lastSeq=41", ResumeUri.Build(new Uri("ws://127.0.0.1:8080/ws"), "tok", 41).ToString());

    [Fact]
    public void Other_parameters_are_kept_and_old_resume_parameters_replaced() =>
        Assert.Equal("ws://h/ws?name=ann&x=1&resume=new&lastSeq=7",
            ResumeUri.Build(new Uri("ws://h/ws?name=ann&resume=old&lastSeq=3&x=1"), "new", 7).ToString());

    [Fact]
    public void The_token_is_escaped() =>
        Assert.EndsWith("resume=a%2Bb%2F%3D&lastSeq=0", ResumeUri.Build(new Uri("ws://h/ws"), "a+b/=", 0).AbsoluteUri);

    [Fact]
    public void Positions_come_one_parameter_each_escaped_and_replace_old_ones() =>
        Assert.Equal("ws://h/ws?x=1&resume=tok&lastSeq=7&pos=57%3Achat%3Alobby&pos=3%3Achat%3Aa%3Ab%20c",
            ResumeUri.Build(new Uri("ws://h/ws?pos=1%3Achat%3Aold&x=1"), "tok", 7,
                [new RoomPosition("lobby", "chat", 57), new RoomPosition("a:b c", "chat", 3)]).AbsoluteUri);

    [Fact]
    public void Positions_need_a_token() =>
        Assert.Equal("ws://h/ws", ResumeUri.Build(new Uri("ws://h/ws"), null, 0, [new RoomPosition("lobby", "chat", 57)]).AbsoluteUri);
}
