using ActorWs.Bench.Building;
using Xunit;

namespace ActorWs.Bench.Tests.LoadGeneration;

/// <summary>
/// Compiles the C load generator with the tool's own flags (warnings are errors) into a temporary folder and runs
/// its self-test (RFC 6455/7692 vectors, framing, the tick mode's parsers). Needs gcc, as the tool itself does.
/// </summary>
public class LoadGeneratorSelfTestTests
{
    [Fact]
    public async Task The_generator_compiles_without_warnings_and_passes_its_self_test()
    {
        if (!GccIsInstalled())
        {
            // The tool cannot run without gcc either; CI machines have it, so this only returns early on a bare dev box.
            return;
        }

        var layout = RepositoryLayout.Locate(null) ?? throw new InvalidOperationException("the tests run inside the repository");
        var folder = Directory.CreateTempSubdirectory("loadgen-test-");
        try
        {
            using var timeout = new CancellationTokenSource(LoadGeneratorBuilder.CompileTimeout + LoadGeneratorBuilder.SelfTestTimeout);
            var outcome = await LoadGeneratorBuilder.BuildAsync(layout, Path.Combine(folder.FullName, "loadgen"), timeout.Token);
            Assert.True(outcome.Succeeded, outcome.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static bool GccIsInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "gcc")));
}
