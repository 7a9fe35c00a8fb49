namespace Potiron.Fast.Cli.Tests;

/// <summary>The bundled sample captures (testdata/sample) and the original potiron's dumps of them (testdata/golden).</summary>
internal static class Samples
{
    public static readonly string[] Names = [SampleCaptures.Sensor1Day1, SampleCaptures.Sensor1Day2, SampleCaptures.Sensor2];

    public static string TestData =>
        Path.Combine(RepositoryFolders.Root ?? throw new InvalidOperationException("The tests must run inside the checkout."), "testdata");

    public static string Folder => Path.Combine(TestData, "sample");

    public static string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>What the original wrote for one sample in a fresh database (<c>standard</c> or <c>ck</c>).</summary>
    public static CanonicalDump Golden(string name, bool combinedKeys = false) =>
        CanonicalDump.Load(Path.Combine(TestData, "golden", combinedKeys ? "ck" : "standard", name + ".json"));
}
