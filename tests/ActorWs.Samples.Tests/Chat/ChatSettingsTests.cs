using ActorWs.Hosting.Configuration;
using ActorWs.Samples.Chat.Settings;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Samples.Tests.Chat;

/// <summary>The <c>chat</c> section of <c>chat.conf</c>: defaults, overrides, and precise complaints.</summary>
public sealed class ChatSettingsTests
{
    private static ChatSettings Read(string hocon, params string[] args) =>
        ChatSettings.Read(new ConfigurationBuilder().AddHocon(hocon, "chat.conf").AddCommandLine(args).Build());

    [Fact]
    public void Defaults_AreTheIssuesNumbers()
    {
        var settings = Read("");
        Assert.Equal(50, settings.HistoryLength);
        Assert.Equal(2000, settings.MaxTextLength);
        Assert.Equal(["general", "random", "help"], settings.Rooms);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.TypingInterval);
        // The size limit never refuses a text the length limit accepts, even one written entirely in \uXXXX escapes.
        Assert.True(settings.MaxMessageBytes >= 2000 * 6 + """{"kind":"say","text":"","cid":""}""".Length + 64);
    }

    [Fact]
    public void TheSamplesOwnFile_ReadsBackTheDefaults()
    {
        string file = Path.Combine(AppContext.BaseDirectory, "chat.conf");
        var settings = ChatSettings.Read(new ConfigurationBuilder().AddHoconFile(file).Build());
        Assert.Equal(new ChatSettings().HistoryLength, settings.HistoryLength);
        Assert.Equal(new ChatSettings().MaxTextLength, settings.MaxTextLength);
        Assert.Equal(new ChatSettings().MessagesPerSecond, settings.MessagesPerSecond);
        Assert.Equal(new ChatSettings().BytesPerSecond, settings.BytesPerSecond);
        Assert.Equal(new ChatSettings().TypingInterval, settings.TypingInterval);
        Assert.Equal(new ChatSettings().ReconnectionWindow, settings.ReconnectionWindow);
        Assert.Equal(new ChatSettings().MaxStoredRooms, settings.MaxStoredRooms);
        Assert.Equal(new ChatSettings().Rooms, settings.Rooms);
    }

    [Fact]
    public void Values_FromTheFile_AndTheCommandLine()
    {
        var settings = Read("""
            chat {
              rooms = [lobby, dev]
              history-length = 20
              typing-interval = 250ms
              bytes-per-second = 8KiB
            }
            """, "--chat:max-text-length=500", "--chat:messages-per-second=2.5");
        Assert.Equal(["lobby", "dev"], settings.Rooms);
        Assert.Equal(20, settings.HistoryLength);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.TypingInterval);
        Assert.Equal(8192, settings.BytesPerSecond);
        Assert.Equal(500, settings.MaxTextLength);
        Assert.Equal(2.5, settings.MessagesPerSecond);
    }

    [Theory]
    [InlineData("chat.history-length = 0", "chat.history-length at chat.conf:1: expected a whole number between 1 and 1000, got \"0\"")]
    [InlineData("chat.history-length = lots", "chat.history-length at chat.conf:1: expected a whole number between 1 and 1000, got \"lots\"")]
    [InlineData("chat.messages-per-second = -1", "chat.messages-per-second at chat.conf:1: expected a number between 0.1 and 100000, got \"-1\"")]
    [InlineData("chat.bytes-per-second = 12 apples", "chat.bytes-per-second at chat.conf:1: expected a size such as 64KiB between 1KiB and 1GiB, got \"12 apples\"")]
    [InlineData("chat.typing-interval = forever", "chat.typing-interval at chat.conf:1: expected a duration such as 1s or 500ms between 0s and 1m, got \"forever\"")]
    [InlineData("chat.rooms = [general, \"Not Valid\"]", "chat.rooms.1 at chat.conf:1: room names are 1 to 32 characters: lowercase letters, digits, - and _, starting with a letter or digit, got \"Not Valid\"")]
    public void BadValues_NameTheKeyTheirOriginAndWhatWasExpected(string hocon, string message)
    {
        var bad = Assert.Throws<ChatSettingsException>(() => Read(hocon));
        Assert.Equal(message, bad.Message);
    }

    [Fact]
    public void BadValues_FromTheCommandLine_SaySo()
    {
        var bad = Assert.Throws<ChatSettingsException>(() => Read("", "--chat:max-text-length=0"));
        Assert.Equal("chat.max-text-length at command line: expected a whole number between 1 and 100000, got \"0\"", bad.Message);
    }
}
