using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActorWs.Hosting.Configuration;

/// <summary>
/// Binds an options class with a <see cref="ConfigurationSettingReader"/> and validates it with the reader's
/// messages. Combine with <c>ValidateOnStart()</c> so bad configuration stops the start:
/// <code>
/// services.AddOptions&lt;ServerOptions&gt;()
///     .BindSettings(configuration, "server", (r, o) => o.Port = r.GetInt("port", 1, 65535, o.Port))
///     .ValidateOnStart();
/// </code>
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class SettingsOptionsBuilderExtensions
{
    /// <summary>Reads the options from a section, and reports every bad setting when the options are validated.</summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <param name="builder">The options builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="sectionPath">The section holding the settings, for example <c>server</c>.</param>
    /// <param name="read">Reads each setting into the options; runs once to configure and once, on a fresh instance, to validate.</param>
    /// <returns>The builder.</returns>
    public static OptionsBuilder<TOptions> BindSettings<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationRoot configuration, string sectionPath, Action<ConfigurationSettingReader, TOptions> read)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sectionPath);
        ArgumentNullException.ThrowIfNull(read);
        builder.Configure(options => read(new ConfigurationSettingReader(configuration, sectionPath), options));
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new SettingsOptionsValidator<TOptions>(builder.Name, configuration, sectionPath, read));
        return builder;
    }
}
