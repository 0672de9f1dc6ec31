using System.Text;
using ActorWs.Hosting.Configuration.Hocon;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>Parses HOCON from memory and renders resolved values as compact JSON for short assertions.</summary>
internal static class HoconTestSupport
{
    public const string BaseDirectory = "/cfg";

    public static HoconObject Parse(string text, Dictionary<string, string>? environment = null, HoconInMemoryFileSystem? files = null)
        => HoconReader.Parse(text, "test.conf", Options(environment, files));

    public static HoconReaderOptions Options(Dictionary<string, string>? environment = null, HoconInMemoryFileSystem? files = null) => new()
    {
        FileSystem = files ?? new HoconInMemoryFileSystem(BaseDirectory),
        EnvironmentLookup = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
    };

    public static string Json(string text, Dictionary<string, string>? environment = null, HoconInMemoryFileSystem? files = null)
        => Render(Parse(text, environment, files));

    public static HoconException ParseError(string text, Dictionary<string, string>? environment = null, HoconInMemoryFileSystem? files = null)
        => Assert.Throws<HoconException>(() => Parse(text, environment, files));

    public static string Render(HoconValue value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, HoconValue value)
    {
        switch (value)
        {
            case HoconObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (key, child) in obj)
                {
                    if (!first) builder.Append(',');
                    first = false;
                    builder.Append(Quote(key)).Append(':');
                    Write(builder, child);
                }

                builder.Append('}');
                break;
            case HoconArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) builder.Append(',');
                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            case HoconScalar scalar:
                builder.Append(scalar.Kind == HoconValueKind.String ? Quote(scalar.Text) : scalar.Text);
                break;
        }
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
