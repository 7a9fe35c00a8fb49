using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Potiron.Fast.Benchmarks;

/// <summary>
/// The configurations. Full: BenchmarkDotNet's default job (as many iterations as its statistics ask for), each class
/// in its own process built from this project. Quick: one warm-up and three iterations, run inside this process (no
/// second build, which alone takes minutes on a busy 2-core machine), so the whole suite takes a few minutes.
/// Dry: every benchmark once, in-process: only proves that each one runs and that its result checks out.
/// All measure allocations (MemoryDiagnoser) and write their reports under the results folder.
/// </summary>
public static class BenchConfig
{
    public static IConfig Full(string artifactsPath) => Create(Job.Default.WithId("Full"), artifactsPath);

    public static IConfig Quick(string artifactsPath) =>
        Create(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("Quick"), artifactsPath);

    public static IConfig Dry(string artifactsPath) =>
        Create(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Dry"), artifactsPath);

    private static ManualConfig Create(Job job, string artifactsPath) =>
        ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(artifactsPath)
            .WithOptions(ConfigOptions.StopOnFirstError);
}
