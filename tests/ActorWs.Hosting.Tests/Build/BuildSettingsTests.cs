using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ActorWs.Hosting.Tests.Build;

/// <summary>
/// Directory.Build.props decides by where a project sits inside the repository, not by the absolute path: a clone
/// under a folder named <c>src</c> (<c>~/src/ActorWs</c>) once turned every test project's 800-odd missing XML comments
/// into errors.
/// </summary>
public sealed class BuildSettingsTests : IDisposable
{
    /// <summary>The bound on one <c>dotnet msbuild</c> evaluation (it evaluates only: no restore, no build).</summary>
    private static readonly TimeSpan EvaluationLimit = TimeSpan.FromMinutes(3);

    private readonly string _temp = Directory.CreateTempSubdirectory("actorws-props-").FullName;

    [Fact]
    public async Task ThroughAPathContainingSrc_TestProjectsStayLenient_AndSourceProjectsStayStrict()
    {
        string repository = FindRepositoryRoot();
        // <temp>/src/repo -> the repository: every project's absolute path now contains "/src/".
        Directory.CreateDirectory(Path.Combine(_temp, "src"));
        string clone = Path.Combine(_temp, "src", "repo");
        Directory.CreateSymbolicLink(clone, repository);

        var testProject = await EvaluateAsync(Path.Combine(clone, "tests", "ActorWs.Hosting.Tests", "ActorWs.Hosting.Tests.csproj"));
        Assert.Contains("/src/", testProject.Directory, StringComparison.Ordinal);
        Assert.NotEqual("true", testProject.TreatWarningsAsErrors, StringComparer.OrdinalIgnoreCase);
        Assert.NotEqual("true", testProject.GenerateDocumentationFile, StringComparer.OrdinalIgnoreCase);

        var sourceProject = await EvaluateAsync(Path.Combine(clone, "src", "ActorWs.Hosting", "ActorWs.Hosting.csproj"));
        Assert.Equal("true", sourceProject.TreatWarningsAsErrors, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("true", sourceProject.GenerateDocumentationFile, StringComparer.OrdinalIgnoreCase);
    }

    private sealed record Evaluated(string Directory, string TreatWarningsAsErrors, string GenerateDocumentationFile);

    private static async Task<Evaluated> EvaluateAsync(string project)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        foreach (string argument in new[] { "msbuild", project, "-nologo", "-getProperty:MSBuildProjectDirectory",
                     "-getProperty:TreatWarningsAsErrors", "-getProperty:GenerateDocumentationFile" })
        {
            start.ArgumentList.Add(argument);
        }
        // Not the test host's own MSBuild settings: a fresh evaluation, as a newcomer's shell would run it.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment["MSBUILDNOINPROCNODE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(EvaluationLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet msbuild {project} took longer than {EvaluationLimit.TotalMinutes} minutes");
        }
        process.WaitForExit(); // flush the output readers
        string text;
        lock (output) text = output.ToString();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild exited {process.ExitCode}:\n{text}\n{errors}");

        // Several -getProperty switches: MSBuild answers {"Properties": {"Name": "value", …}}.
        using var json = JsonDocument.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..]);
        var properties = json.RootElement.GetProperty("Properties");
        return new Evaluated(
            properties.GetProperty("MSBuildProjectDirectory").GetString()!,
            properties.GetProperty("TreatWarningsAsErrors").GetString()!,
            properties.GetProperty("GenerateDocumentationFile").GetString()!);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorWs.sln")) && File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no repository (ActorWs.sln) above {AppContext.BaseDirectory}");
    }

    public void Dispose()
    {
        // The link only: never what it points to.
        string clone = Path.Combine(_temp, "src", "repo");
        if (Directory.Exists(clone) || File.Exists(clone)) Directory.Delete(clone, recursive: false);
        Directory.Delete(_temp, recursive: true);
    }
}
