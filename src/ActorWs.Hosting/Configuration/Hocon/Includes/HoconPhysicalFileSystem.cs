using System.Text;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>Reads configuration files from disk, as strict UTF-8 (the spec requires valid UTF-8).</summary>
/// <remarks>Stateless; the shared <see cref="Instance"/> is thread-safe.</remarks>
public sealed class HoconPhysicalFileSystem : IHoconFileSystem
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private HoconPhysicalFileSystem()
    {
    }

    /// <summary>The single instance.</summary>
    public static HoconPhysicalFileSystem Instance { get; } = new();

    /// <inheritdoc />
    public string CurrentDirectory => Directory.GetCurrentDirectory();

    /// <inheritdoc />
    public bool TryReadAllText(string fullPath, out string text)
    {
        text = string.Empty;
        if (!File.Exists(fullPath)) return false;
        try
        {
            text = File.ReadAllText(fullPath, StrictUtf8);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false; // deleted between the check and the read
        }
        catch (DecoderFallbackException e)
        {
            throw new IOException($"the file is not valid UTF-8 ({e.Message})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException(e.Message, e);
        }
    }
}
