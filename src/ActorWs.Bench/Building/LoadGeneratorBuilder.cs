namespace ActorWs.Bench.Building;

/// <summary>
/// Compiles the C load generator with gcc (warnings are errors) and runs its self-test, so no
/// measurement is taken with a generator whose protocol code is broken.
/// </summary>
/// <remarks>Stateless; safe to call from any thread, though concurrent builds would overwrite one binary.</remarks>
public static class LoadGeneratorBuilder
{
    /// <summary>How long compiling (about a second normally) may take.</summary>
    public static readonly TimeSpan CompileTimeout = TimeSpan.FromMinutes(2);

    /// <summary>How long the self-test may take.</summary>
    public static readonly TimeSpan SelfTestTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The compiler flags: optimised, every common warning, warnings fatal.</summary>
    public static readonly IReadOnlyList<string> CompilerFlags = ["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror"];

    /// <summary>Compiles every <c>.c</c> file of the load generator and runs <c>loadgen selftest</c>.</summary>
    /// <param name="layout">The repository.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The executable path, or why it could not be built or failed its self-test.</returns>
    public static Task<BuildOutcome> BuildAsync(RepositoryLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return BuildAsync(layout, layout.LoadGeneratorBinary, cancellationToken);
    }

    /// <summary>Compiles the load generator to <paramref name="binary"/> and runs its self-test there.</summary>
    /// <param name="layout">The repository (for the sources).</param>
    /// <param name="binary">Where the executable goes (its folder is created).</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The executable path, or why it could not be built or failed its self-test.</returns>
    public static async Task<BuildOutcome> BuildAsync(RepositoryLayout layout, string binary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(binary);
        if (!Directory.Exists(layout.LoadGeneratorSources))
        {
            return BuildOutcome.Failed($"load generator sources not found at {layout.LoadGeneratorSources}");
        }

        var sources = Directory.GetFiles(layout.LoadGeneratorSources, "*.c").Order(StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(binary))!);
        var arguments = new List<string>(CompilerFlags) { "-o", binary };
        arguments.AddRange(sources);
        arguments.Add("-lm");
        var compile = await CommandRunner.RunAsync("gcc", arguments, layout.LoadGeneratorSources, CompileTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (!compile.Succeeded)
        {
            return BuildOutcome.Failed($"gcc failed (exit code {compile.ExitCode}):\n{compile.Output}");
        }

        var selfTest = await CommandRunner.RunAsync(binary, ["selftest"], layout.Root, SelfTestTimeout, cancellationToken)
            .ConfigureAwait(false);
        return selfTest.Succeeded
            ? BuildOutcome.Ready(binary)
            : BuildOutcome.Failed($"loadgen selftest failed (exit code {selfTest.ExitCode}):\n{selfTest.Output}");
    }
}
