using System.Text;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Include statements: <c>include "f"</c> (relative to the including file), <c>include file("f")</c> (relative
/// to the current directory, as the spec says for the explicit form) and <c>include required(...)</c> around
/// either. A missing non-required include is ignored. <c>url()</c> and <c>classpath()</c> are rejected: this reader
/// only includes files. A name without a known extension is a basename: <c>.json</c> then <c>.conf</c> are
/// loaded (both, HOCON last); Java <c>.properties</c> files are not supported.
/// </summary>
internal sealed partial class HoconParser
{
    private const string RequiredOpening = "required(";
    private const string FileOpening = "file(";
    private const string HoconExtension = ".conf";
    private const string JsonExtension = ".json";
    private const string PropertiesExtension = ".properties";
    private const string IncludeSyntaxHelp = "include must be followed by a quoted file name, as in include \"other.conf\", include file(\"other.conf\") or include required(\"other.conf\")";

    private void ParseInclude(ObjectNode target)
    {
        var includeToken = Next();
        SkipWhitespaceAndNewlines();
        var opening = new StringBuilder();
        var closing = new StringBuilder();
        HoconToken? nameToken = null;
        while (Peek.Kind is not (HoconTokenKind.Newline or HoconTokenKind.Comma or HoconTokenKind.CloseBrace or HoconTokenKind.End))
        {
            var token = Next();
            switch (token.Kind)
            {
                case HoconTokenKind.Whitespace:
                    continue;
                case HoconTokenKind.UnquotedString:
                    (nameToken is null ? opening : closing).Append(token.Text);
                    continue;
                case HoconTokenKind.QuotedString when nameToken is null:
                    nameToken = token;
                    continue;
                default:
                    throw Error(token, $"{IncludeSyntaxHelp}; found {token.Describe()}");
            }
        }

        if (nameToken is not { } name) throw Error(Peek, $"{IncludeSyntaxHelp}; found {Peek.Describe()}");

        var form = opening.ToString();
        var required = form.StartsWith(RequiredOpening, StringComparison.Ordinal);
        if (required) form = form[RequiredOpening.Length..];
        var explicitFile = form == FileOpening;
        if (form.Length > 0 && !explicitFile)
        {
            var problem = form is "url(" or "classpath("
                ? $"include {form}...) is not supported: only files can be included (use include \"name\" or include file(\"name\"))"
                : $"unknown include form '{opening}': {IncludeSyntaxHelp}";
            throw Error(includeToken, problem);
        }

        var expectedClosing = new string(')', (required ? 1 : 0) + (explicitFile ? 1 : 0));
        if (closing.ToString() != expectedClosing)
        {
            throw Error(includeToken, $"unbalanced parentheses in include: expected '{expectedClosing}' after the file name, found '{closing}'");
        }

        IncludeFile(target, name, explicitFile, required);
    }

    private void IncludeFile(ObjectNode target, HoconToken nameToken, bool explicitFile, bool required)
    {
        var name = nameToken.Text;
        if (name.Length == 0) throw Error(nameToken, "the include file name is empty");
        var fileSystem = _includes.FileSystem;
        var baseDirectory = explicitFile ? fileSystem.CurrentDirectory : _source.IncludeDirectory;
        var fullPath = Path.GetFullPath(name, baseDirectory);
        var displayName = Path.IsPathRooted(name) || explicitFile ? name : Path.Join(_source.DisplayDirectory, name);
        var extension = Path.GetExtension(name);
        if (extension == PropertiesExtension)
        {
            throw Error(nameToken, $"cannot include \"{name}\": Java properties files are not supported, only HOCON (.conf) and JSON (.json)");
        }

        (string Full, string Display)[] candidates = extension is HoconExtension or JsonExtension
            ? [(fullPath, displayName)]
            : [(fullPath + JsonExtension, displayName + JsonExtension), (fullPath + HoconExtension, displayName + HoconExtension)];

        var found = false;
        foreach (var (full, display) in candidates)
        {
            string text;
            try
            {
                if (!fileSystem.TryReadAllText(full, out text)) continue;
            }
            catch (IOException e)
            {
                throw Error(nameToken, $"cannot read included file \"{display}\": {e.Message}");
            }

            found = true;
            _includes.FilesRead.Add(full);
            var source = new HoconSource(display, full, Path.GetDirectoryName(full) ?? full, Path.GetDirectoryName(display) ?? string.Empty);
            MergeInto(target, ParseIncluded(text, source, nameToken));
        }

        if (!found && required)
        {
            var lookedFor = string.Join(" or ", candidates.Select(c => c.Full));
            throw Error(nameToken, $"required include \"{name}\" was not found (looked for {lookedFor})");
        }
    }

    private ObjectNode ParseIncluded(string text, HoconSource source, HoconToken nameToken)
    {
        var active = _includes.ActiveSources;
        if (active.Exists(s => s.FullPath == source.FullPath))
        {
            var chain = string.Join(" -> ", active.SkipWhile(s => s.FullPath != source.FullPath).Select(s => s.DisplayName).Append(source.DisplayName));
            throw Error(nameToken, $"include cycle: {chain}");
        }

        if (active.Count >= HoconIncludeContext.MaxIncludeDepth)
        {
            throw Error(nameToken, $"includes are nested more than {HoconIncludeContext.MaxIncludeDepth} levels deep");
        }

        var prefix = _objectPath is { Count: > 0 } path ? new HoconPath([.. path]) : null;
        active.Add(source);
        try
        {
            return ParseDocument(text, source, _includes, prefix);
        }
        finally
        {
            active.RemoveAt(active.Count - 1);
        }
    }

    private static void MergeInto(ObjectNode target, ObjectNode included) => HoconNodeMerger.MergeInto(target, included);
}
