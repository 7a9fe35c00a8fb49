using System.IO.Compression;
using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>The bundled samples in testdata/sample are exactly what <see cref="SampleCaptures"/> makes.</summary>
public sealed class SampleCapturesTests
{
    [Fact]
    public void Committed_samples_are_what_the_generator_makes()
    {
        var folder = TestData.SampleFolder;
        var regenerate = Environment.GetEnvironmentVariable("POTIRON_REGENERATE_SAMPLES") == "1";
        if (regenerate)
            SampleCaptures.WriteTo(folder);
        foreach (var (name, bytes) in SampleCaptures.Generate())
        {
            var path = Path.Combine(folder, name);
            Assert.True(File.Exists(path), $"{path} is missing: run the tests once with POTIRON_REGENERATE_SAMPLES=1");
            // gzip output may differ between zlib builds; what must not differ is the capture inside.
            Assert.True(Decompressed(bytes).AsSpan().SequenceEqual(Decompressed(File.ReadAllBytes(path))), $"{name} differs from the generator's output");
        }
    }

    private static byte[] Decompressed(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
            return bytes;
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
