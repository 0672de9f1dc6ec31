using ActorWs.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace ActorWs.Hosting.Settings;

/// <summary>Console output format.</summary>
public enum LogFormat
{
    /// <summary>One human-readable line per event.</summary>
    Text,
    /// <summary>
    /// One compact JSON object per line (CLEF, rendered): <c>@t</c> UTC timestamp, <c>@m</c> rendered message,
    /// <c>@i</c> event id (a hash of the message template), <c>@l</c> level (omitted for Information),
    /// <c>@x</c> exception, <c>@tr</c>/<c>@sp</c> trace and span ids when an activity is current, then every
    /// property by name (<c>SourceContext</c> among them).
    /// </summary>
    Json,
}

/// <summary>How often a log file rolls over.</summary>
public enum LogRolling
{
    /// <summary>One file forever.</summary>
    Infinite,
    /// <summary>A new file every hour.</summary>
    Hour,
    /// <summary>A new file every day.</summary>
    Day,
}

/// <summary>The <c>logging</c> section: levels, console, file.</summary>
public sealed class LoggingOptions
{
    /// <summary>Minimum level for everything not overridden.</summary>
    public LogEventLevel Level { get; set; } = LogEventLevel.Information;

    /// <summary>Minimum level per namespace (source context prefix), e.g. <c>ActorWs.Server.Connections = debug</c>.</summary>
    public IDictionary<string, LogEventLevel> Overrides { get; set; } = new Dictionary<string, LogEventLevel>(StringComparer.Ordinal)
    {
        ["Microsoft"] = LogEventLevel.Warning,
    };

    /// <summary>Whether events go to standard output.</summary>
    public bool Console { get; set; } = true;

    /// <summary>Console format.</summary>
    public LogFormat ConsoleFormat { get; set; } = LogFormat.Text;

    /// <summary>A log file path (Serilog adds the date for rolling files); null for none.</summary>
    public string? FilePath { get; set; }

    /// <summary>File format.</summary>
    public LogFormat FileFormat { get; set; } = LogFormat.Json;

    /// <summary>How often the file rolls.</summary>
    public LogRolling FileRolling { get; set; } = LogRolling.Day;

    /// <summary>Rolled files kept.</summary>
    public int FileRetainedCount { get; set; } = 7;
}

/// <summary>Reads <c>logging.*</c> and builds the Serilog logger from it.</summary>
public static class LoggingSettings
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The section this class reads.</summary>
    public const string Section = "logging";

    private static readonly Lazy<IReadOnlyList<string>> s_settingNames = new(() =>
    {
        var reader = new ConfigurationSettingReader(new ConfigurationBuilder().Build(), Section);
        Apply(reader, new LoggingOptions());
        return reader.SettingsRead;
    });

    /// <summary>
    /// Every setting of the <c>logging</c> section, as written in HOCON (<c>logging.console.format</c>), in reading order;
    /// <c>logging.overrides</c> stands for its children, whose names (namespaces) are free. Taken from the reading code
    /// itself, so a setting it reads is listed here without further ado, and a key it does not read is an unknown setting.
    /// </summary>
    public static IReadOnlyList<string> SettingNames => s_settingNames.Value;

    /// <summary>
    /// Reads <c>logging.*</c>; throws <see cref="ConfigurationValidationException"/> listing every bad setting and every
    /// unknown key under <c>logging</c> (any name is accepted below <c>logging.overrides</c>).
    /// </summary>
    public static LoggingOptions Read(IConfigurationRoot configuration)
    {
        var reader = new ConfigurationSettingReader(configuration, Section);
        var options = new LoggingOptions();
        Apply(reader, options);
        reader.ReportUnknownSettings();
        reader.ThrowIfInvalid();
        return options;
    }

    /// <summary>Reads every setting of the section through <paramref name="reader"/>, whatever the values (see <see cref="SettingNames"/>).</summary>
    private static void Apply(ConfigurationSettingReader reader, LoggingOptions options)
    {
        options.Level = ReadLevel(reader, "level", options.Level);
        // Namespaces contain dots, which the setting reader would take for path separators: take the children as they are.
        foreach (var child in reader.GetFreeFormChildren("overrides"))
        {
            if (TryParseLevel(child.Value, out var level)) options.Overrides[child.Key] = level;
            else reader.Fail("overrides", $"a level for \"{child.Key}\" (verbose, debug, information, warning, error or fatal)");
        }
        options.Console = reader.GetBool("console:enabled", options.Console);
        options.ConsoleFormat = ReadEnum(reader, "console:format", options.ConsoleFormat);
        bool fileEnabled = reader.GetBool("file:enabled", false);
        string? filePath = reader.GetString("file:path", "logs/actorws-.log");
        if (fileEnabled)
        {
            if (string.IsNullOrWhiteSpace(filePath)) reader.Fail("file:path", "a file path");
            else options.FilePath = filePath;
        }
        options.FileFormat = ReadEnum(reader, "file:format", options.FileFormat);
        options.FileRolling = ReadEnum(reader, "file:rolling", options.FileRolling);
        options.FileRetainedCount = reader.GetInt("file:retained-files", 1, 10_000, options.FileRetainedCount);
    }

    /// <summary>Builds the logger the options describe.</summary>
    public static Serilog.Core.Logger CreateLogger(LoggingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new LoggerConfiguration().MinimumLevel.Is(options.Level).Enrich.FromLogContext();
        foreach (var (source, level) in options.Overrides) config.MinimumLevel.Override(source, level);
        if (options.Console) config.WriteTo.Console(Formatter(options.ConsoleFormat));
        if (options.FilePath is not null)
        {
            config.WriteTo.File(Formatter(options.FileFormat), options.FilePath,
                rollingInterval: options.FileRolling switch
                {
                    LogRolling.Hour => RollingInterval.Hour,
                    LogRolling.Day => RollingInterval.Day,
                    _ => RollingInterval.Infinite,
                },
                retainedFileCountLimit: options.FileRetainedCount,
                buffered: false);
        }
        return config.CreateLogger();
    }

    private static ITextFormatter Formatter(LogFormat format) =>
        format == LogFormat.Json ? new RenderedCompactJsonFormatter() : new MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture);

    private static LogEventLevel ReadLevel(ConfigurationSettingReader reader, string key, LogEventLevel defaultValue)
    {
        string? text = reader.GetString(key, null);
        if (text is null) return defaultValue;
        if (TryParseLevel(text, out var level)) return level;
        reader.Fail(key, "a level: verbose, debug, information, warning, error or fatal");
        return defaultValue;
    }

    private static bool TryParseLevel(string? text, out LogEventLevel level)
    {
        switch (text?.ToLowerInvariant())
        {
            case "verbose" or "trace": level = LogEventLevel.Verbose; return true;
            case "debug": level = LogEventLevel.Debug; return true;
            case "information" or "info": level = LogEventLevel.Information; return true;
            case "warning" or "warn": level = LogEventLevel.Warning; return true;
            case "error": level = LogEventLevel.Error; return true;
            case "fatal" or "critical": level = LogEventLevel.Fatal; return true;
            default: level = LogEventLevel.Information; return false;
        }
    }

    private static T ReadEnum<T>(ConfigurationSettingReader reader, string key, T defaultValue) where T : struct, Enum =>
        ServerSettings.ReadEnum(reader, key, defaultValue);
}
