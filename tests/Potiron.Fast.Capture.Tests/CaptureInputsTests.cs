using System.Runtime.InteropServices;
using System.Text;
using Potiron.Fast.TestSupport;

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

    [Fact]
    public void Names_that_are_not_utf8_are_found_by_walk_and_by_argument_and_read_by_their_bytes()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "names that are not UTF-8 are a Linux matter");
        var capture = new PcapBuilder().Add(0, 0, new byte[60]).ToArray();
        var raw = new List<byte[]>();
        foreach (byte[] invalid in (byte[][])[[0xff], [0xfe]])
        {
            var plain = Path.Combine(_root, "plain.cap");
            File.WriteAllBytes(plain, capture);
            raw.Add([.. Encoding.UTF8.GetBytes(_root + "/a"), .. invalid, .. "b.cap"u8]);
            RawNames.Rename(plain, raw[^1]);
        }
        try
        {
            ReadsBothByTheirBytes();
        }
        finally
        {
            // Directory.Delete cannot name them.
            raw.ForEach(RawNames.Delete);
        }
    }

    private void ReadsBothByTheirBytes()
    {

        var walked = CaptureInputs.Expand([_root], out var walkErrors);
        // .NET receives such a name on the command line as "a\uFFFDb.cap": both files answer to it.
        var given = CaptureInputs.Expand([Path.Combine(_root, "a\uFFFDb.cap")], out var givenErrors);

        Assert.Empty(walkErrors);
        Assert.Empty(givenErrors);
        string[] texts = [Path.Combine(_root, "a\\xfeb.cap"), Path.Combine(_root, "a\\xffb.cap")];
        Assert.Equal(texts, walked.Select(i => i.Path));
        Assert.Equal(texts, given.Select(i => i.Path).Order(StringComparer.Ordinal));
        Assert.Equal(["a\\xfeb.cap", "a\\xffb.cap"], walked.Select(i => i.BaseName));
        foreach (var input in walked)
        {
            using var reader = input.OpenReader();
            Assert.True(reader.TryRead(out _), reader.Problem?.ToString());
            Assert.Null(reader.Problem);
        }
    }

    [Fact]
    public void Control_characters_in_a_path_are_escaped_in_its_display_name_only()
    {
        string path = Touch("new\nline.cap");

        var input = Assert.Single(CaptureInputs.Expand([_root], out _));

        Assert.Equal(path, input.Path);
        Assert.Equal("new\nline.cap", input.BaseName);
        Assert.Equal(Path.Combine(_root, "new\\x0aline.cap"), input.DisplayName);
    }
}

/// <summary>Makes names that are not valid UTF-8 (.NET's file APIs cannot).</summary>
internal static partial class RawNames
{
    public static void Rename(string from, byte[] to)
    {
        if (rename([.. Encoding.UTF8.GetBytes(from), 0], [.. to, 0]) != 0)
            throw new IOException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
    }

    public static void Delete(byte[] path) => _ = unlink([.. path, 0]);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int rename(byte[] from, byte[] to);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlink(byte[] path);
}
