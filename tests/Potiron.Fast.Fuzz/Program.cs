using System.Diagnostics;
using Potiron.Fast.Capture;
using Potiron.Fast.Fuzz;
using Potiron.Fast.Ingest.Tests;
using SharpFuzz;

// Usage (see README.md):
//   dotnet Potiron.Fast.Fuzz.dll reader|decoder|split          afl-fuzz target (input on standard input)
//   dotnet Potiron.Fast.Fuzz.dll libfuzzer-TARGET              libFuzzer target (libfuzzer-dotnet driver)
//   dotnet Potiron.Fast.Fuzz.dll run TARGET FILE...            replay inputs without a fuzzer, with stack traces
//   dotnet Potiron.Fast.Fuzz.dll --write-seeds DIR             seed corpora in DIR/reader, DIR/decoder and DIR/split
return args switch
{
    [var name] when Target(name) is { } target => Fuzz(target),
    [var name] when name.StartsWith("libfuzzer-", StringComparison.Ordinal) && Target(name["libfuzzer-".Length..]) is { } target => LibFuzz(target),
    ["run", var name, .. var files] when files.Length > 0 && Target(name) is { } target => Replay(target, files),
    ["--write-seeds", var folder] => WriteSeeds(folder),
    _ => Usage(),
};

static ReadOnlySpanAction? Target(string name) => name switch
{
    "reader" => FuzzTargets.Reader,
    "decoder" => FuzzTargets.DecodeAndCount,
    "split" => SplitTarget.SplitEqualsSequential,
    _ => null,
};

static int Fuzz(ReadOnlySpanAction target) => OnWorkerStack(() => Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    target(memory.GetBuffer().AsSpan(0, (int)memory.Length));
}));

static int LibFuzz(ReadOnlySpanAction target) => OnWorkerStack(() => Fuzzer.LibFuzzer.Run(target));

// The targets run on a thread with a thread-pool thread's stack (1.5 MiB), where the ingest pipeline decodes: deep
// recursion that the main thread's 8 MiB would survive is a crash here too.
static int OnWorkerStack(Action action)
{
    var thread = new Thread(() => action(), ThreadPoolStackSize);
    thread.Start();
    thread.Join();
    return 0;
}

static int Replay(ReadOnlySpanAction target, string[] files)
{
    var failures = 0;
    OnWorkerStack(() => failures = ReplayAll(target, files));
    return failures == 0 ? 0 : 1;
}

static int ReplayAll(ReadOnlySpanAction target, string[] files)
{
    var failures = 0;
    foreach (var file in files)
    {
        var bytes = File.ReadAllBytes(file);
        var clock = Stopwatch.StartNew();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            target(bytes);
            Console.WriteLine($"{file}: ok, {clock.Elapsed.TotalMilliseconds:F1} ms, {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024} KiB allocated");
        }
        catch (Exception exception)
        {
            failures++;
            Console.WriteLine($"{file}: {exception}");
        }
    }
    return failures;
}

static int WriteSeeds(string folder)
{
    var readerFolder = Directory.CreateDirectory(Path.Combine(folder, "reader")).FullName;
    var decoderFolder = Directory.CreateDirectory(Path.Combine(folder, "decoder")).FullName;
    // The split target takes whole captures too.
    var splitFolder = Directory.CreateDirectory(Path.Combine(folder, "split")).FullName;
    var frames = new HashSet<string>(StringComparer.Ordinal);
    foreach (var (name, bytes) in SeedCaptures.All())
    {
        File.WriteAllBytes(Path.Combine(readerFolder, name), bytes);
        File.WriteAllBytes(Path.Combine(splitFolder, name), bytes);
        using var reader = CaptureFileReader.Open(new MemoryStream(bytes), name);
        while (reader.TryRead(out var record))
        {
            var index = Array.IndexOf(FuzzTargets.DecoderLinkTypes, record.LinkType);
            if (index < 0)
                continue;
            byte[] input = [(byte)index, .. record.Data];
            if (frames.Add(Convert.ToHexString(input)))
                File.WriteAllBytes(Path.Combine(decoderFolder, $"{Path.GetFileNameWithoutExtension(name)}-{record.Index}.bin"), input);
        }
    }
    Console.WriteLine($"{Directory.GetFiles(readerFolder).Length} reader and split seeds in {readerFolder} and {splitFolder}, {frames.Count} decoder seeds in {decoderFolder}");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Potiron.Fast.Fuzz TARGET | libfuzzer-TARGET | run TARGET FILE... | --write-seeds DIR   (TARGET: reader, decoder or split)");
    return 2;
}

internal static partial class Program
{
    private const int ThreadPoolStackSize = 1536 * 1024;
}
