namespace Potiron.Fast.Ingest.Tests;

/// <summary>The project's own testdata/ folder, found from the test binary.</summary>
internal static class TestData
{
    public static string Root => Path.Combine(RepositoryFolders.Root ?? throw new InvalidOperationException("Potiron.Fast.sln not found above the test binary"), "testdata");
    public static string SampleFolder => Path.Combine(Root, "sample");
}
