using System.Text.RegularExpressions;

namespace ActorWs.Hosting.Tests.Build;

/// <summary>
/// README.md against the repository it describes: the Layout table names every project of the solution, and the
/// prerequisites name what the build and the browser tests need. (The settings table is kept in step by
/// <c>ServerSettingsTests.TheReaders_HoconConf_AndTheReadmeTable_NameTheSameSettings</c>.)
/// </summary>
public sealed partial class ReadmeTests
{
    [GeneratedRegex(@"^Project\(""\{[0-9A-Fa-f-]+\}""\) = ""[^""]+"", ""(?<path>[^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [Fact]
    public void TheLayoutTable_NamesEveryProjectOfTheSolution_AndOnlyFoldersThatExist()
    {
        string root = FindRepositoryRoot();
        var rows = LayoutRows(File.ReadAllLines(Path.Combine(root, "README.md")));
        var folders = rows.SelectMany(row => row.Folders).ToHashSet(StringComparer.Ordinal);

        var projects = SolutionProject().Matches(File.ReadAllText(Path.Combine(root, "ActorWs.sln")))
            .Select(m => Path.GetDirectoryName(m.Groups["path"].Value.Replace('\\', '/'))!.Replace('\\', '/'))
            .ToList();
        Assert.True(projects.Count >= 20, $"only {projects.Count} projects found in ActorWs.sln");

        var missing = new List<string>();
        foreach (string project in projects)
        {
            string top = project.Split('/')[0];
            string name = project.Split('/')[^1];
            bool listed = top switch
            {
                // Each library and tool by its own folder.
                "src" => folders.Contains(project),
                // The samples' row names each sample; the tests' row stands for every test project.
                "samples" => rows.Any(row => row.Folders.Contains("samples/") && row.Description.Contains(name, StringComparison.Ordinal)),
                "tests" => folders.Contains("tests/"),
                _ => false,
            };
            if (!listed) missing.Add(project);
        }
        Assert.Empty(missing); // a project the Layout table does not list

        var stale = folders.Where(folder => !Directory.Exists(Path.Combine(root, folder)) && !File.Exists(Path.Combine(root, folder))).ToList();
        Assert.Empty(stale); // a row for a folder that is not there
    }

    [Fact]
    public void ThePrerequisites_NameTheSdkTheBuildTargets_AndChromiumForTheBrowserTests()
    {
        string root = FindRepositoryRoot();
        string[] lines = File.ReadAllLines(Path.Combine(root, "README.md"));
        int start = Array.FindIndex(lines, line => line.StartsWith("Prerequisites", StringComparison.Ordinal));
        Assert.True(start >= 0, "README.md has no Prerequisites");
        // "Prerequisites:", a blank line, then the list up to the next blank line.
        string prerequisites = string.Join("\n", lines.Skip(start + 1).SkipWhile(line => line.Length == 0).TakeWhile(line => line.Length > 0));

        // The SDK of the framework every project targets.
        string props = File.ReadAllText(Path.Combine(root, "Directory.Build.props"));
        var framework = Regex.Match(props, @"<TargetFramework>net(?<version>\d+)\.0</TargetFramework>");
        Assert.True(framework.Success, "Directory.Build.props names no TargetFramework");
        Assert.Contains($".NET {framework.Groups["version"].Value} SDK", prerequisites, StringComparison.Ordinal);

        // Chromium: the Debian package CI installs, where the tests look, the variable that points elsewhere, and what
        // happens without it (the browser tests' own message is checked against this text in ActorWs.Browser.Tests).
        Assert.Contains("chromium", File.ReadAllLines(Path.Combine(root, ".ci", "apt-packages")));
        Assert.Contains("apt-get install -y chromium", prerequisites, StringComparison.Ordinal);
        Assert.Contains("/usr/bin/chromium", prerequisites, StringComparison.Ordinal);
        Assert.Contains("ACTORWS_CHROMIUM", prerequisites, StringComparison.Ordinal);
        Assert.Contains("Chromium is not installed at", prerequisites, StringComparison.Ordinal);
    }

    private sealed record LayoutRow(IReadOnlyList<string> Folders, string Description);

    /// <summary>The rows of README's Layout table: the folders (in backticks) of the first cell, and the second cell.</summary>
    private static List<LayoutRow> LayoutRows(string[] lines)
    {
        int heading = Array.IndexOf(lines, "## Layout");
        Assert.True(heading >= 0, "README.md has no Layout section");
        int header = Array.FindIndex(lines, heading, line => line.StartsWith("| folder |", StringComparison.Ordinal));
        Assert.True(header >= 0, "README.md's Layout section has no table");
        var rows = new List<LayoutRow>();
        foreach (string row in lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|')))
        {
            var cells = row.Split('|');
            var folders = Backticked().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList();
            rows.Add(new LayoutRow(folders, string.Join("|", cells.Skip(2))));
        }
        Assert.NotEmpty(rows);
        return rows;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorWs.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("ActorWs.sln not found above " + AppContext.BaseDirectory);
    }
}
