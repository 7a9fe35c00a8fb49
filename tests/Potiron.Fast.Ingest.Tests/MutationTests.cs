using System.Diagnostics;
using System.IO.Compression;
using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>
/// The deterministic mutation test (issue 4, point 2): at least 20,000 mutated variants of the seed captures go
/// through the whole ingest path (reader, decoder, count tables, per-file counts), each within a time and an
/// allocation bound, with no exception. A failure names the variant index (replay it alone with
/// <c>POTIRON_MUTATION_VARIANT=N</c>) and leaves its bytes in <c>$TMPDIR/potiron-mutation/</c> for minimising;
/// <c>POTIRON_MUTATION_VARIANTS=N</c> runs more variants than CI's 20,000 (a soak).
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    private const int VariantCount = 20_000;
    /// <summary>Every this many variants also go through <see cref="IngestPipeline"/> with the null sink, on one
    /// worker and split over two.</summary>
    private const int PipelineEvery = 50;
    /// <summary>Every this many variants are also read in small chunks and compared with the whole read.</summary>
    private const int ChunkedEvery = 4;
    private const int SharedCaptureMaxBytes = 32 << 10;
    private const long FixedAllocationBound = 64L << 20;
    private const int ThreadPoolStackSize = 1536 * 1024;
    private static readonly TimeSpan VariantTimeBound = TimeSpan.FromSeconds(2);
    /// <summary>How long a variant may run before the watchdog calls it a hang and fails the test without waiting.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    [Fact]
    public void Mutated_captures_go_through_ingest_without_exception_hang_or_runaway_allocation()
    {
        var seeds = LoadSeeds(out var sharedCount);
        var mutator = new CaptureMutator(seeds);
        // POTIRON_MUTATION_VARIANT=N replays one variant; POTIRON_MUTATION_VARIANTS=N runs more than CI does (a soak).
        var count = int.TryParse(Environment.GetEnvironmentVariable("POTIRON_MUTATION_VARIANTS"), out var more) && more > VariantCount ? more : VariantCount;
        int[] indexes = int.TryParse(Environment.GetEnvironmentVariable("POTIRON_MUTATION_VARIANT"), out var single) ? [single] : [.. Enumerable.Range(0, count)];
        // In memory where Linux offers it: 20,000 files written and read back are most of this test's system time.
        var folder = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "potiron-mutation-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var run = new MutationRun(mutator, folder);

        var clock = Stopwatch.StartNew();
        // A thread with a thread-pool thread's stack, where the pipeline decodes: a recursion that the test runner's
        // thread would survive must fail here as it would in production.
        var thread = new Thread(() => run.ExecuteAll(indexes), ThreadPoolStackSize) { IsBackground = true, Name = "mutation" };
        thread.Start();
        while (!thread.Join(100))
        {
            if (run.CurrentElapsed > HangBound)
            {
                var path = Keep(run.Current!);
                Assert.Fail($"variant {run.Current!.Index} hangs (over {HangBound.TotalSeconds} s): {run.Current.Description}; bytes in {path}");
            }
        }
        Directory.Delete(folder, recursive: true);

        output.WriteLine($"{indexes.Length} variants ({run.Bytes >> 20} MiB) of {seeds.Count} seeds ({sharedCount} from ../shared/captures) in {clock.Elapsed.TotalSeconds:F1} s " +
            $"(making and writing them {run.Making.TotalSeconds:F1} s, ingesting {run.Ingesting.TotalSeconds:F1} s); " +
            $"slowest {run.Slowest.Milliseconds:F1} ms (variant {run.Slowest.Index}), largest allocation {run.Largest.Bytes / 1024} KiB (variant {run.Largest.Index})");
        output.WriteLine($"outcomes: {string.Join(", ", run.Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}");
        output.WriteLine($"packets read {run.Packets}, counted {run.Counted}; decode events: " +
            string.Join(", ", run.DecodeEvents.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value}")));
        var failures = run.Failures.Select(f => $"variant {f.Variant.Index} [{f.Variant.Description}], bytes in {Keep(f.Variant)}: {f.Reason}").ToArray();
        Assert.True(failures.Length == 0, $"{failures.Length} variants failed:\n{string.Join("\n", failures.Take(20))}");
    }

    [Fact]
    public void The_generated_seeds_are_clean_captures_with_counted_packets()
    {
        using var folder = new TempFolder();
        foreach (var (name, bytes) in SeedCaptures.All())
        {
            var worker = new IngestWorker(new IngestOptions { Inputs = [], Parameters = new RunParameters { Ipv6 = true } });
            var summary = worker.Read(CaptureInput.ForFile(folder.Write($"seed-{name}", bytes)), null);
            Assert.True(summary.Problem is null && summary.Warnings.Count == 0, $"{name}: {summary.Problem} {string.Join(" ", summary.Warnings)}");
            Assert.True(summary.Counted > 0, $"{name}: nothing counted");
            if (CaptureLayout.TryScan(name, bytes) is { } layout)
                Assert.Equal(summary.Packets, layout.Frames.Count);
        }
    }

    [Fact]
    public void A_variant_is_the_same_whatever_was_made_before_it()
    {
        var mutator = new CaptureMutator(LoadSeeds(out _));
        var late = mutator.Create(12_345);
        foreach (var index in Enumerable.Range(0, 50))
            mutator.Create(index);
        Assert.Equal(late.Bytes, mutator.Create(12_345).Bytes);
    }

    /// <summary>The bundled samples, the small generated seeds and, when present, the small real captures of
    /// ../shared/captures; compressed ones also decompressed, so that their structure can be mutated too.</summary>
    private static List<MutationSeed> LoadSeeds(out int sharedCount)
    {
        var named = new List<(string Name, byte[] Bytes)>();
        named.AddRange(SampleCaptures.Generate().OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value)));
        named.AddRange(SeedCaptures.All());
        sharedCount = 0;
        if (SharedCaptures.FindDirectory() is { } shared)
        {
            foreach (var path in Directory.GetFiles(shared).Order(StringComparer.Ordinal))
            {
                if (path.EndsWith(".tsv", StringComparison.Ordinal) || new FileInfo(path).Length > SharedCaptureMaxBytes)
                    continue;
                named.Add((Path.GetFileName(path), File.ReadAllBytes(path)));
                sharedCount++;
            }
        }

        var seeds = new List<MutationSeed>();
        foreach (var (name, bytes) in named)
        {
            seeds.Add(new MutationSeed(name, bytes, CaptureLayout.TryScan(name, bytes)));
            if (bytes is [0x1f, 0x8b, ..] && TryGunzip(bytes) is { } inflated)
                seeds.Add(new MutationSeed(name + " (inflated)", inflated, CaptureLayout.TryScan(name, inflated)));
        }
        return seeds;
    }

    private static byte[]? TryGunzip(byte[] bytes)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Writes a failing variant where it outlives the test, for afl-tmin or a debugger.</summary>
    private static string Keep(MutatedCapture variant)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "potiron-mutation")).FullName;
        var path = Path.Combine(folder, $"variant-{variant.Index}.bin");
        File.WriteAllBytes(path, variant.Bytes);
        return path;
    }

    /// <summary>The variants' loop, on its own thread; the test's thread watches it for hangs.</summary>
    private sealed class MutationRun(CaptureMutator mutator, string folder)
    {
        // Two workers, reused from variant to variant as the pipeline reuses them from file to file: the default
        // fields, and every field with IPv6 and combined keys, so that each counter and member text is used.
        private readonly IngestWorker _standard = new(new IngestOptions { Inputs = [] });
        private readonly IngestWorker _everything = new(new IngestOptions
        {
            Inputs = [],
            Parameters = new RunParameters { Ipv6 = true, CombinedKeys = true },
        });
        private long _currentStart;
        private volatile MutatedCapture? _current;

        public List<(MutatedCapture Variant, string Reason)> Failures { get; } = [];
        public Dictionary<string, int> Outcomes { get; } = [];
        public Dictionary<string, long> DecodeEvents { get; } = [];
        public TimeSpan Making { get; private set; }
        public TimeSpan Ingesting { get; private set; }
        public long Bytes { get; private set; }
        public long Packets { get; private set; }
        public long Counted { get; private set; }
        public (int Index, double Milliseconds) Slowest { get; private set; }
        public (int Index, long Bytes) Largest { get; private set; }

        public MutatedCapture? Current => _current;

        public TimeSpan CurrentElapsed =>
            _current is null ? TimeSpan.Zero : Stopwatch.GetElapsedTime(Interlocked.Read(ref _currentStart));

        /// <summary>Runs the variants; an exception of the test's own machinery ends the run as a failure (escaping
        /// this thread, it would end the test process).</summary>
        public void ExecuteAll(IReadOnlyList<int> indexes)
        {
            try
            {
                Execute(indexes);
            }
            catch (Exception exception)
            {
                Failures.Add((_current ?? new MutatedCapture(-1, [], "none"), $"the mutation test itself failed: {exception}"));
            }
        }

        private void Execute(IReadOnlyList<int> indexes)
        {
            foreach (var index in indexes)
            {
                var made = Stopwatch.GetTimestamp();
                var variant = mutator.Create(index);
                // A name of potiron's form, so that the file name day and sensor are the usual ones. A new file each
                // time, deleted after: rewriting one file in place makes ext4 flush it to disk on every close.
                var path = Path.Combine(folder, $"mutant-sensor-{index}-20240314000000.cap");
                File.WriteAllBytes(path, variant.Bytes);
                Making += Stopwatch.GetElapsedTime(made);
                Bytes += variant.Bytes.Length;
                var worker = index % 2 == 0 ? _standard : _everything;
                Interlocked.Exchange(ref _currentStart, Stopwatch.GetTimestamp());
                _current = variant;
                var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                ReadSummary? lastSummary = null;
                try
                {
                    var summary = lastSummary = worker.Read(CaptureInput.ForFile(path), null);
                    var counts = worker.Tables.ToFileCounts(CaptureFileName.FromPath(path));
                    Check(variant, summary, counts);
                }
                catch (Exception exception)
                {
                    Failures.Add((variant, $"{exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}"));
                }
                var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                var elapsed = Stopwatch.GetElapsedTime(Interlocked.Read(ref _currentStart));
                _current = null;
                Ingesting += elapsed;

                if (elapsed > VariantTimeBound)
                    Failures.Add((variant, $"took {elapsed.TotalSeconds:F2} s (bound {VariantTimeBound.TotalSeconds} s)"));
                var allocationBound = FixedAllocationBound + 4L * variant.Bytes.Length;
                if (allocated > allocationBound)
                    Failures.Add((variant, $"allocated {allocated} bytes (bound {allocationBound})"));
                if (elapsed.TotalMilliseconds > Slowest.Milliseconds)
                    Slowest = (index, elapsed.TotalMilliseconds);
                if (allocated > Largest.Bytes)
                    Largest = (index, allocated);

                if (index % PipelineEvery == 0)
                    RunPipeline(variant, path);
                if (index % ChunkedEvery == 0)
                    ReadInChunks(variant, lastSummary);
                File.Delete(path);
            }
            foreach (var worker in new[] { _standard, _everything })
            {
                foreach (var (decodeEvent, count) in worker.Decoder.Events.NonZero())
                    DecodeEvents[decodeEvent.ToString()] = DecodeEvents.GetValueOrDefault(decodeEvent.ToString()) + count;
            }
        }

        private void Check(MutatedCapture variant, ReadSummary summary, FileCounts counts)
        {
            Packets += summary.Packets;
            Counted += summary.Counted;
            var outcome = summary.Problem is { } fatal ? $"error {fatal.Kind}" : summary.Warnings.Count > 0 ? $"warning {summary.Warnings[0].Kind}" : "clean";
            Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
            if (summary.Problem is { IsFatal: false } || summary.Warnings.Any(w => w.IsFatal))
                Failures.Add((variant, "a problem's severity disagrees with where it is reported"));
            if (summary.Problem is { Kind: CaptureProblemKind.IoError } io)
                Failures.Add((variant, $"an I/O error on a local file: {io}"));
            foreach (var problem in summary.Warnings.Append(summary.Problem).OfType<CaptureProblem>())
            {
                if (problem.Offset < 0 || string.IsNullOrWhiteSpace(problem.Reason))
                    Failures.Add((variant, $"a problem without offset or reason: {problem}"));
            }
            if (counts.Groups.Sum(g => g.Members.Sum(m => m.Count)) < 0)
                Failures.Add((variant, "negative counts"));
        }

        /// <summary>
        /// The same bytes through a stream that returns them in small chunks: the readers resume at any byte, so the
        /// records and problems must be those of the file read in large blocks. Compressed data is left out: a
        /// codec that meets damage drops the output of the read it was in, which depends on the read sizes.
        /// </summary>
        private void ReadInChunks(MutatedCapture variant, ReadSummary? whole)
        {
            if (whole is null)
                return;
            try
            {
                int[] chunks = [1 + variant.Index % 61, 7, 1 + variant.Index % 13, 3000];
                using var reader = CaptureFileReader.Open(new ChunkedStream(variant.Bytes, chunks), "chunked");
                long records = 0;
                while (reader.TryRead(out _))
                    records++;
                if (reader.Compression != CaptureCompression.None)
                    return;
                string Problems(CaptureProblem? problem, IEnumerable<CaptureProblem> warnings) =>
                    string.Join(" | ", warnings.Append(problem).OfType<CaptureProblem>().Select(p => $"{p.Kind} at {p.Offset} record {p.RecordIndex}"));
                var expected = $"{whole.Packets} records, {Problems(whole.Problem, whole.Warnings)}";
                var actual = $"{records} records, {Problems(reader.Problem, reader.Warnings)}";
                if (expected != actual)
                    Failures.Add((variant, $"read in chunks of {string.Join(",", chunks)}: {actual}; read whole: {expected}"));
            }
            catch (Exception exception)
            {
                Failures.Add((variant, $"chunked read: {exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}"));
            }
        }

        /// <summary>
        /// The file through <see cref="IngestPipeline"/> with the null sink, twice: with one worker (the file read and
        /// decoded on one thread) and with two (one file split over decode lanes and a fragment lane), which must
        /// agree on every count, problem and decode event.
        /// </summary>
        private void RunPipeline(MutatedCapture variant, string path)
        {
            try
            {
                var sequential = RunPipeline(variant, path, workers: 1);
                var split = RunPipeline(variant, path, workers: 2);
                if (sequential != split)
                    Failures.Add((variant, $"one file on two workers: {split}; on one: {sequential}"));
            }
            catch (Exception exception)
            {
                Failures.Add((variant, $"pipeline: {exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}"));
            }
        }

        private string? RunPipeline(MutatedCapture variant, string path, int workers)
        {
            var sink = new NullCountSink();
            var options = new IngestOptions { Inputs = [path], Workers = workers, Parameters = new RunParameters { Ipv6 = true } };
            var result = new IngestPipeline(options, sink).RunAsync().GetAwaiter().GetResult();
            var file = Assert.Single(result.Files);
            if (file.Outcome is not (FileOutcome.Imported or FileOutcome.ImportedDamaged) || sink.Files != 1)
                Failures.Add((variant, $"the pipeline ({workers} workers) ended the file as {file.Outcome} ({file.Problem})"));
            if ((file.Outcome == FileOutcome.ImportedDamaged) != (file.Problem is not null))
                Failures.Add((variant, $"outcome {file.Outcome} with problem {file.Problem}"));
            var events = string.Join(",", result.DecodeEvents.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"));
            return $"{file.Outcome} {file.Problem?.Kind} at {file.Problem?.Offset}, {file.Packets} packets, {file.PacketsCounted} counted, " +
                $"{file.Members} members, sink {sink.Groups}/{sink.Members}/{sink.Increments}, events {events}, " +
                $"no time {result.PacketsWithoutTimestamp}, out of calendar {result.PacketsOutOfCalendar}";
        }
    }
}
