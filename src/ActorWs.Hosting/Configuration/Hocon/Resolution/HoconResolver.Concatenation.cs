using System.Text;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Value concatenation: simple values join into a string (keeping the whitespace between them), arrays append,
/// objects merge; mixing kinds is an error. Undefined <c>${?x}</c> parts contribute nothing, and if every part is
/// undefined the whole value is undefined.
/// </summary>
internal sealed partial class HoconResolver
{
    private HoconValue? ResolveConcatenation(ConcatenationNode node)
    {
        var parts = new List<(HoconValue? Value, bool IsSeparator)>(node.Pieces.Count);
        HoconValue? firstComplex = null, firstSimple = null;
        var anyArray = false;
        var anyObject = false;
        foreach (var piece in node.Pieces)
        {
            if (piece is ScalarNode { IsSeparatorWhitespace: true } separator)
            {
                parts.Add((separator.Value, true));
                continue;
            }

            var value = Resolve(piece);
            parts.Add((value, false));
            switch (value)
            {
                case null:
                    break;
                case HoconArray:
                    anyArray = true;
                    firstComplex ??= value;
                    break;
                case HoconObject:
                    anyObject = true;
                    firstComplex ??= value;
                    break;
                default:
                    firstSimple ??= value;
                    break;
            }
        }

        if (firstComplex is null && firstSimple is null) return null;
        if (firstComplex is not null && firstSimple is not null)
        {
            throw new HoconException(node.Origin, null, $"cannot concatenate {firstComplex.Describe()} with {DescribeSimple(firstSimple)} (arrays concatenate only with arrays, objects only with objects)");
        }

        if (anyArray && anyObject)
        {
            throw new HoconException(node.Origin, null, "cannot concatenate an object with an array");
        }

        if (anyArray)
        {
            var items = parts.Where(p => !p.IsSeparator && p.Value is HoconArray).SelectMany(p => (HoconArray)p.Value!).ToArray();
            return new HoconArray(items, node.Origin);
        }

        if (anyObject)
        {
            HoconObject? merged = null;
            foreach (var (value, _) in parts)
            {
                if (value is HoconObject next) merged = merged is null ? next : HoconObject.Merge(next, merged);
            }

            return merged;
        }

        var text = new StringBuilder();
        foreach (var (value, _) in parts)
        {
            if (value is HoconScalar scalar) text.Append(scalar.Text);
        }

        return HoconScalar.String(text.ToString(), node.Origin);
    }

    private static string DescribeSimple(HoconValue value) => value.Kind == HoconValueKind.String ? $"the string {value.Describe()}" : $"the value {value.Describe()}";
}
