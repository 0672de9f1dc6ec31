using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActorWs.Hosting.Tests.Configuration.Validation;

/// <summary>A sample options class bound and validated at start, the way the server's options will be.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void Valid_settings_bind_to_the_options_class()
    {
        using var services = Services("server {\n  port = 9000\n  idle-timeout = 30s\n  max-frame-size = 1MiB\n}");
        var options = services.GetRequiredService<IOptions<SampleServerOptions>>().Value;
        Assert.Equal(9000, options.Port);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IdleTimeout);
        Assert.Equal(1L << 20, options.MaxFrameSize);
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Missing_settings_keep_the_class_defaults()
    {
        using var services = Services("server {}");
        var options = services.GetRequiredService<IOptions<SampleServerOptions>>().Value;
        Assert.Equal(8080, options.Port);
        Assert.Equal(TimeSpan.FromMinutes(1), options.IdleTimeout);
    }

    [Fact]
    public void Bad_settings_stop_the_start_with_messages_naming_file_line_and_key()
    {
        using var services = Services("server {\n  port = \"80a\"\n  idle-timeout = forever\n}");
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal(
            [
                "server.port at hocon.conf:2: expected an integer 1–65535, got \"80a\"",
                "server.idle-timeout at hocon.conf:3: expected a duration such as 10s, 500ms or 2 minutes between 1s and 1h, got \"forever\"",
            ],
            error.Failures);
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SampleServerOptions>>().Value);
    }

    private static ServiceProvider Services(string hocon)
    {
        var configuration = new ConfigurationBuilder().AddHocon(hocon, "hocon.conf", new HoconReaderOptions { EnvironmentLookup = _ => null }).Build();
        var services = new ServiceCollection();
        services.AddOptions<SampleServerOptions>()
            .BindSettings(configuration, "server", (reader, options) =>
            {
                options.Port = reader.GetInt("port", 1, 65535, options.Port);
                options.IdleTimeout = reader.GetDuration("idle-timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), options.IdleTimeout);
                options.MaxFrameSize = reader.GetBytes("max-frame-size", 1, 16L << 20, options.MaxFrameSize);
            })
            .ValidateOnStart();
        return services.BuildServiceProvider();
    }

    public sealed class SampleServerOptions
    {
        public int Port { get; set; } = 8080;

        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

        public long MaxFrameSize { get; set; } = 64 * 1024;
    }
}
