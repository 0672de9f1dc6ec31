using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ActorWs.Hosting.Configuration;

/// <summary>Validates options by reading their settings again into a fresh instance and reporting the reader's errors.</summary>
/// <remarks>Stateless apart from its immutable inputs; thread-safe if <c>read</c> is.</remarks>
internal sealed class SettingsOptionsValidator<TOptions>(string? name, IConfigurationRoot configuration, string sectionPath, Action<ConfigurationSettingReader, TOptions> read)
    : IValidateOptions<TOptions>
    where TOptions : class, new()
{
    public ValidateOptionsResult Validate(string? optionsName, TOptions options)
    {
        if (name is not null && name != optionsName) return ValidateOptionsResult.Skip;
        var reader = new ConfigurationSettingReader(configuration, sectionPath);
        read(reader, new TOptions());
        return reader.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(reader.Errors);
    }
}
