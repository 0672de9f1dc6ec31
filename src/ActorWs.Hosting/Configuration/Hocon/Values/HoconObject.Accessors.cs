namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Typed reads by path. Each throws a <see cref="HoconException"/> that names the path, the file and line of
/// the value, what was expected and what was found, for example
/// <c>server.port at hocon.conf:12: expected an integer 1–65535, got "80a"</c>. Paths are relative to this
/// object. Conversions follow the spec: strings holding numbers or booleans convert; null, objects and arrays
/// never convert to anything else.
/// </summary>
public sealed partial class HoconObject
{
    /// <summary>Finds the value at a path.</summary>
    /// <param name="path">A path expression such as <c>server.port</c>.</param>
    /// <returns>The value, or null when the path does not exist.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a valid path expression.</exception>
    public HoconValue? Find(string path) => Find(HoconPath.Parse(path));

    /// <summary>Finds the value at a path.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The value, or null when the path does not exist.</returns>
    public HoconValue? Find(HoconPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        HoconValue current = this;
        foreach (var key in path.Elements)
        {
            if (current is not HoconObject obj || !obj.TryGetValue(key, out var next)) return null;
            current = next;
        }

        return current;
    }

    /// <summary>True when the path exists and is not null.</summary>
    /// <param name="path">A path expression.</param>
    /// <returns>Whether a non-null value is set there.</returns>
    public bool HasPath(string path) => Find(path) is { Kind: not HoconValueKind.Null };

    /// <summary>Reads a string; numbers and booleans are returned as written.</summary>
    /// <param name="path">A path expression.</param>
    /// <returns>The text.</returns>
    /// <exception cref="HoconException">Missing, null, an object or an array.</exception>
    public string GetString(string path)
    {
        var (value, rendered) = Require(path, SettingExpectations.Text);
        return value is HoconScalar { IsNull: false } scalar ? scalar.Text : throw Mismatch(value, rendered, SettingExpectations.Text);
    }

    /// <summary>Reads a 32-bit integer within a range.</summary>
    /// <param name="path">A path expression.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <returns>The integer.</returns>
    /// <exception cref="HoconException">Missing, not a whole number, or out of range.</exception>
    public int GetInt(string path, int min = int.MinValue, int max = int.MaxValue)
        => (int)ReadInteger(path, min, max, int.MinValue, int.MaxValue);

    /// <summary>Reads a 64-bit integer within a range.</summary>
    /// <param name="path">A path expression.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <returns>The integer.</returns>
    /// <exception cref="HoconException">Missing, not a whole number, or out of range.</exception>
    public long GetLong(string path, long min = long.MinValue, long max = long.MaxValue)
        => ReadInteger(path, min, max, long.MinValue, long.MaxValue);

    /// <summary>Reads a number.</summary>
    /// <param name="path">A path expression.</param>
    /// <returns>The number.</returns>
    /// <exception cref="HoconException">Missing or not a number.</exception>
    public double GetDouble(string path)
    {
        var (value, rendered) = Require(path, SettingExpectations.Number);
        return value is HoconScalar { Kind: HoconValueKind.Number or HoconValueKind.String } scalar && SettingConversions.TryParseDouble(scalar.Text, out var number)
            ? number
            : throw Mismatch(value, rendered, SettingExpectations.Number);
    }

    /// <summary>Reads a boolean: <c>true</c>/<c>false</c>, or the strings yes/no/on/off.</summary>
    /// <param name="path">A path expression.</param>
    /// <returns>The boolean.</returns>
    /// <exception cref="HoconException">Missing or not a boolean.</exception>
    public bool GetBool(string path)
    {
        var (value, rendered) = Require(path, SettingExpectations.Boolean);
        return value is HoconScalar { Kind: HoconValueKind.Boolean or HoconValueKind.String } scalar && SettingConversions.TryParseBoolean(scalar.Text, out var flag)
            ? flag
            : throw Mismatch(value, rendered, SettingExpectations.Boolean);
    }

    /// <summary>Reads a duration (<see cref="HoconDuration"/> format; a bare number is milliseconds) within a range.</summary>
    /// <param name="path">A path expression.</param>
    /// <param name="min">Smallest accepted value (default: no limit).</param>
    /// <param name="max">Largest accepted value (default: no limit).</param>
    /// <returns>The duration.</returns>
    /// <exception cref="HoconException">Missing, not a duration, or out of range.</exception>
    public TimeSpan GetDuration(string path, TimeSpan? min = null, TimeSpan? max = null)
    {
        var low = min ?? TimeSpan.MinValue;
        var high = max ?? TimeSpan.MaxValue;
        var expected = SettingExpectations.Duration(low, high);
        var (value, rendered) = Require(path, expected);
        if (value is not HoconScalar { Kind: HoconValueKind.Number or HoconValueKind.String } scalar) throw Mismatch(value, rendered, expected);
        if (!HoconDuration.TryParse(scalar.Text, out var duration, out var problem)) throw Mismatch(value, rendered, expected, problem);
        return duration >= low && duration <= high ? duration : throw Mismatch(value, rendered, expected);
    }

    /// <summary>Reads a size in bytes (<see cref="ByteSize"/> format; a bare number is bytes) within a range.</summary>
    /// <param name="path">A path expression.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <returns>The size in bytes.</returns>
    /// <exception cref="HoconException">Missing, not a size, or out of range.</exception>
    public long GetBytes(string path, long min = 0, long max = long.MaxValue)
    {
        var expected = SettingExpectations.Size(min, max);
        var (value, rendered) = Require(path, expected);
        if (value is not HoconScalar { Kind: HoconValueKind.Number or HoconValueKind.String } scalar) throw Mismatch(value, rendered, expected);
        if (!ByteSize.TryParse(scalar.Text, out var bytes, out var problem)) throw Mismatch(value, rendered, expected, problem);
        return bytes >= min && bytes <= max ? bytes : throw Mismatch(value, rendered, expected);
    }

    /// <summary>Reads an array whose elements are strings (numbers and booleans as written).</summary>
    /// <param name="path">A path expression.</param>
    /// <returns>The strings.</returns>
    /// <exception cref="HoconException">Missing, not an array, or an element that is null, an object or an array.</exception>
    public IReadOnlyList<string> GetStringList(string path)
    {
        var (value, rendered) = Require(path, SettingExpectations.TextList);
        var items = value switch
        {
            HoconArray array => array.ToList(),
            HoconObject obj when NumericallyIndexed(obj) is { Count: > 0 } indexed => indexed,
            _ => throw Mismatch(value, rendered, SettingExpectations.TextList),
        };
        var result = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            result[i] = items[i] is HoconScalar { IsNull: false } scalar
                ? scalar.Text
                : throw Mismatch(items[i], $"{rendered}[{i}]", SettingExpectations.Text);
        }

        return result;
    }

    /// <summary>
    /// The spec's "conversion of numerically-indexed objects to arrays" (<c>foo.0 = a, foo.1 = b</c>): values of
    /// keys that are non-negative integers, in numeric order; other keys are ignored.
    /// </summary>
    private static List<HoconValue> NumericallyIndexed(HoconObject obj)
        => obj.Select(field => (Index: int.TryParse(field.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : -1, field.Value))
            .Where(item => item.Index >= 0)
            .OrderBy(item => item.Index)
            .Select(item => item.Value)
            .ToList();

    /// <summary>Reads an object.</summary>
    /// <param name="path">A path expression.</param>
    /// <returns>The object.</returns>
    /// <exception cref="HoconException">Missing or not an object.</exception>
    public HoconObject GetObject(string path)
    {
        var (value, rendered) = Require(path, SettingExpectations.Object);
        return value as HoconObject ?? throw Mismatch(value, rendered, SettingExpectations.Object);
    }

    private long ReadInteger(string path, long min, long max, long typeMin, long typeMax)
    {
        var expected = SettingExpectations.Integer(min, max, typeMin, typeMax);
        var (value, rendered) = Require(path, expected);
        return value is HoconScalar { Kind: HoconValueKind.Number or HoconValueKind.String } scalar
               && SettingConversions.TryParseInteger(scalar.Text, out var number) && number >= min && number <= max
            ? number
            : throw Mismatch(value, rendered, expected);
    }

    private (HoconValue Value, string RenderedPath) Require(string path, string expected)
    {
        var parsed = HoconPath.Parse(path);
        var rendered = parsed.ToString();
        var value = Find(parsed) ?? throw new HoconException(null, rendered, $"not set in {Origin.SourceName}; expected {expected}");
        return (value, rendered);
    }

    private static HoconException Mismatch(HoconValue value, string renderedPath, string expected, string? problem = null)
        => new(value.Origin, renderedPath, $"expected {expected}, got {value.Describe()}{(problem is null ? string.Empty : $" ({problem})")}");
}
