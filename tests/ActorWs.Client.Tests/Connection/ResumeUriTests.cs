using ActorWs.Client.Connection;

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
}
