using System.Globalization;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Samples.Chat.Rooms;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Samples.Chat.Settings;

/// <summary>The chat's own settings: the <c>chat</c> section of <c>chat.conf</c> (overridable like any setting).</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record ChatSettings
{
    /// <summary>Messages a room keeps and sends to a member as it joins (the issue asks for the last 50).</summary>
    public const int DefaultHistoryLength = 50;

    /// <summary>Longest chat message, in UTF-16 code units (what a browser's <c>maxlength</c> counts).</summary>
    public const int DefaultMaxTextLength = 2000;

    /// <summary>Bounds of <see cref="HistoryLength"/>.</summary>
    public const int MinHistoryLength = 1, MaxHistoryLength = 1000;

    /// <summary>Bounds of <see cref="MaxTextLength"/>.</summary>
    public const int MinTextLength = 1, MaxTextLengthLimit = 100_000;

    /// <summary>
    /// Worst-case JSON bytes per character of text: a character escaped as <c>\uXXXX</c> takes six. The room type's
    /// size limit allows that much text plus the envelope, so the size limit never refuses a message the length
    /// limit would accept.
    /// </summary>
    public const int WorstCaseBytesPerChar = 6;

    /// <summary>Room for the rest of a <c>say</c> (kind, cid, punctuation) on top of the text.</summary>
    public const int EnvelopeBytes = 512;

    /// <summary>Messages a room keeps and sends to a joining member.</summary>
    public int HistoryLength { get; init; } = DefaultHistoryLength;

    /// <summary>Longest chat message, in UTF-16 code units.</summary>
    public int MaxTextLength { get; init; } = DefaultMaxTextLength;

    /// <summary>Messages per second one member may send to a room (chat messages and typing notices together).</summary>
    public double MessagesPerSecond { get; init; } = 10;

    /// <summary>Bytes per second one member may send to a room.</summary>
    public double BytesPerSecond { get; init; } = 64 * 1024;

    /// <summary>A member's "is typing" notices are relayed at most once per this interval.</summary>
    public TimeSpan TypingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a member whose connection dropped stays in its rooms, waiting to resume.</summary>
    public TimeSpan ReconnectionWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Rooms whose history is kept once they are empty (the least recently used are forgotten first).</summary>
    public int MaxStoredRooms { get; init; } = 200;

    /// <summary>The rooms the page lists.</summary>
    public IReadOnlyList<string> Rooms { get; init; } = ["general", "random", "help"];

    /// <summary>Largest <c>send</c> data accepted by the room type (derived from <see cref="MaxTextLength"/>).</summary>
    public int MaxMessageBytes => MaxTextLength * WorstCaseBytesPerChar + EnvelopeBytes;

    /// <summary>Reads and validates the <c>chat</c> section; unset keys keep their defaults.</summary>
    /// <exception cref="ChatSettingsException">A value is malformed or out of range (the message names the key and where it was set).</exception>
    public static ChatSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new ChatSettings();
        var reader = new Reader(configuration);
        var rooms = configuration.GetSection("chat:rooms").GetChildren().Select(c => c.Value ?? "").ToArray();
        for (int i = 0; i < rooms.Length; i++)
        {
            if (!ChannelName.TryValidate(rooms[i], out var problem))
                throw new ChatSettingsException($"chat.rooms.{i}{reader.Where($"chat:rooms:{i}")}: {problem}, got \"{rooms[i]}\"");
        }
        return new ChatSettings
        {
            HistoryLength = reader.Int("history-length", defaults.HistoryLength, MinHistoryLength, MaxHistoryLength),
            MaxTextLength = reader.Int("max-text-length", defaults.MaxTextLength, MinTextLength, MaxTextLengthLimit),
            MessagesPerSecond = reader.Number("messages-per-second", defaults.MessagesPerSecond, 0.1, 100_000),
            BytesPerSecond = reader.Bytes("bytes-per-second", (long)defaults.BytesPerSecond, 1024, 1L << 30),
            TypingInterval = reader.Duration("typing-interval", defaults.TypingInterval, TimeSpan.Zero, TimeSpan.FromMinutes(1)),
            ReconnectionWindow = reader.Duration("reconnection-window", defaults.ReconnectionWindow, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            MaxStoredRooms = reader.Int("max-stored-rooms", defaults.MaxStoredRooms, 1, 1_000_000),
            Rooms = rooms.Length > 0 ? rooms : defaults.Rooms,
        };
    }

    /// <summary>Reads one key of the section with a precise complaint when it is wrong.</summary>
    private sealed class Reader(IConfiguration configuration)
    {
        private const string Section = "chat";

        public string Where(string key) =>
            configuration is IConfigurationRoot root && root.DescribeOrigin(key) is { } origin ? " at " + origin : "";

        private string? Raw(string name) => configuration[$"{Section}:{name}"];

        private ChatSettingsException Bad(string name, string expected, string value) =>
            new($"{Section}.{name}{Where($"{Section}:{name}")}: expected {expected}, got \"{value}\"");

        public int Int(string name, int fallback, int min, int max)
        {
            if (Raw(name) is not { } text) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
                throw Bad(name, $"a whole number between {min} and {max}", text);
            return value;
        }

        public double Number(string name, double fallback, double min, double max)
        {
            if (Raw(name) is not { } text) return fallback;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= min && value <= max))
                throw Bad(name, $"a number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}", text);
            return value;
        }

        public double Bytes(string name, long fallback, long min, long max)
        {
            if (Raw(name) is not { } text) return fallback;
            if (!ByteSize.TryParse(text, out long value) || value < min || value > max)
                throw Bad(name, $"a size such as 64KiB between {ByteSize.Format(min)} and {ByteSize.Format(max)}", text);
            return value;
        }

        public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan min, TimeSpan max)
        {
            if (Raw(name) is not { } text) return fallback;
            if (!HoconDuration.TryParse(text, out var value) || value < min || value > max)
                throw Bad(name, $"a duration such as 1s or 500ms between {Show(min)} and {Show(max)}", text);
            return value;
        }

        private static string Show(TimeSpan value) => value == TimeSpan.Zero ? "0s" : HoconDuration.Format(value);
    }
}

/// <summary>A chat setting is malformed or out of range; the message names the key, where it was set, and what was expected.</summary>
public sealed class ChatSettingsException(string message) : Exception(message);
