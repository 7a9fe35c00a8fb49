namespace Potiron.Fast.Capture.Tests;

public sealed class CaptureInputsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("potiron-inputs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Touch(string relative)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    [Theory]
    [InlineData("a.pcap", true)]
    [InlineData("a.cap", true)]
    [InlineData("acap", true)]
    [InlineData("a.pcap.gz", true)]
    [InlineData("a.cap.gz", true)]
    [InlineData("a.pcap.lz4", true)]
    [InlineData("a.pcap.zst", true)]
    [InlineData("a.pcapng", true)]
    [InlineData("a.pcapng.gz", true)]
    [InlineData("a.pcapng.lz4", true)]
    [InlineData("a.pcapng.zst", true)]
    [InlineData("a.PCAP", false)]
    [InlineData("a.pcap.bz2", false)]
    [InlineData("a.capx", false)]
    [InlineData("a.gz", false)]
    [InlineData("a.txt", false)]
    [InlineData("pcapng", false)]
    public void Directory_walks_keep_names_by_their_ending(string name, bool kept)
    {
        Assert.Equal(kept, CaptureInputs.IsCaptureFileName(name));
    }

    [Fact]
    public void Directories_are_walked_recursively_in_ordinal_order()
    {
        Touch("b.pcap");
        Touch("A.cap");
        Touch("sub/c.pcapng.gz");
        Touch("sub/deeper/d.pcap.zst");
        Touch("notes.txt");
        Touch("sub/e.pcap.bz2");

        IReadOnlyList<CaptureInput> inputs = CaptureInputs.Expand([_root], out IReadOnlyList<string> errors);

        Assert.Empty(errors);
        Assert.Equal(
            [Path.Combine(_root, "A.cap"), Path.Combine(_root, "b.pcap"), Path.Combine(_root, "sub", "c.pcapng.gz"),
                Path.Combine(_root, "sub", "deeper", "d.pcap.zst")],
            inputs.Select(i => i.Path));
        Assert.Equal(["A.cap", "b.pcap", "c.pcapng.gz", "d.pcap.zst"], inputs.Select(i => i.BaseName));
    }

    [Fact]
    public void Files_are_taken_as_given_whatever_their_name_and_arguments_keep_their_order()
    {
        string notes = Touch("capture.txt");
        string pcap = Touch("z.pcap");

        IReadOnlyList<CaptureInput> inputs = CaptureInputs.Expand([pcap, "-", notes], out IReadOnlyList<string> errors);

        Assert.Empty(errors);
        Assert.Equal([pcap, "-", notes], inputs.Select(i => i.Path));
        Assert.True(inputs[1].IsStandardInput);
        Assert.Equal(("standard input", "-"), (inputs[1].DisplayName, inputs[1].BaseName));
        Assert.Equal((notes, "capture.txt"), (inputs[2].DisplayName, inputs[2].BaseName));
    }

    [Fact]
    public void Missing_paths_are_reported_with_the_original_wording_and_the_rest_goes_on()
    {
        string pcap = Touch("x.pcap");
        string missing = Path.Combine(_root, "nope.pcap");

        IReadOnlyList<CaptureInput> inputs = CaptureInputs.Expand([missing, pcap], out IReadOnlyList<string> errors);

        Assert.Equal([$"The filename {missing} was not found"], errors);
        Assert.Equal([pcap], inputs.Select(i => i.Path));
    }
}
