using Potiron.Fast.Aggregation;
using Potiron.Fast.Capture;
using Potiron.Fast.Ingest;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Fuzz;

/// <summary>
/// <c>split</c>: the bytes as a whole capture file, ingested by one sequential worker and by the split path (one file
/// read once and decoded on three lanes, with a fragment lane in file order), whose results must be equal: packets,
/// counted packets, bytes, the fatal problem and the warnings, the decode events, the packets without a time or out of
/// the calendar, and every member, day and protocol of the file's counts. Any exception is a finding too.
/// </summary>
/// <remarks>
/// Tiny batches (a few records, 4 KiB) so that a small input crosses many batch boundaries and the lanes finish out of
/// order. The input's length picks one of two set-ups (combined keys off or on), so that each input is deterministic.
/// The workers are reused from one input to the next, as the pipeline reuses them from one file to the next.
/// </remarks>
internal static class SplitTarget
{
    private const int Lanes = 3;

    private static readonly CaptureFileName FileName = CaptureFileName.FromPath("fuzz-sensor-0-20240314000000.pcap");
    private static readonly SetUp[] SetUps = [new(combinedKeys: false, batchRecords: 2), new(combinedKeys: true, batchRecords: 5)];

    /// <summary>The split path reads a file by its path: each input goes to this one, in memory when the system allows.</summary>
    private static readonly string InputPath = Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"potiron-fuzz-split-{Environment.ProcessId}.pcap");

    public static void SplitEqualsSequential(ReadOnlySpan<byte> input)
    {
        using (var file = new FileStream(InputPath, FileMode.Create, FileAccess.Write))
            file.Write(input);
        try
        {
            SetUps[input.Length % SetUps.Length].Compare(CaptureInput.ForFile(InputPath));
        }
        finally
        {
            File.Delete(InputPath);
        }
    }

    private sealed class SetUp(bool combinedKeys, int batchRecords)
    {
        private readonly IngestWorker _sequential = new(Options(combinedKeys));
        private readonly SplitFileIngest _split = new(Options(combinedKeys), Lanes, batchBytes: 4096, batchRecords);

        private static IngestOptions Options(bool combinedKeys) =>
            new() { Inputs = [], Parameters = new RunParameters { CombinedKeys = combinedKeys, Ipv6 = true } };

        public void Compare(CaptureInput input)
        {
            var sequential = Run([_sequential], () => _sequential.Read(input, null), _sequential);
            string split;
            using (UnguidedThreads.Enter())
                split = Run(_split.Workers.ToArray(), () => _split.Read(input, null), _split.Merged);
            if (sequential != split)
                throw new InvalidOperationException($"sequential: {sequential}{Environment.NewLine}split: {split}");
        }

        /// <summary>Everything a file's ingest gives, as one string (the tables in sorted order: lanes merge in any order).</summary>
        private static string Run(IngestWorker[] workers, Func<ReadSummary> read, IngestWorker merged)
        {
            long withoutTime = 0, outOfCalendar = 0;
            foreach (var worker in workers)
            {
                worker.Decoder.Events.Clear();
                withoutTime -= worker.PacketsWithoutTimestamp;
                outOfCalendar -= worker.PacketsOutOfCalendar;
            }
            var summary = read();
            var events = new DecodeEventCounts();
            foreach (var worker in workers)
            {
                events.MergeFrom(worker.Decoder.Events);
                withoutTime += worker.PacketsWithoutTimestamp;
                outOfCalendar += worker.PacketsOutOfCalendar;
            }
            var counts = merged.Tables.ToFileCounts(FileName);
            var members = counts.Groups
                .SelectMany(g => g.Members.Select(m => $"{g.Day}:{g.ProtocolName}:{g.Field}:{m.Member}={m.Count}"))
                .Order(StringComparer.Ordinal);
            return string.Join(Environment.NewLine,
            [
                $"{summary.Packets} packets, {summary.Counted} counted, {summary.Bytes} bytes, problem: {summary.Problem}, " +
                $"warnings: {string.Join(" | ", summary.Warnings)}",
                $"without time {withoutTime}, out of calendar {outOfCalendar}",
                "events " + string.Join(",", events.NonZero()),
                "days " + string.Join(",", counts.Days.Order(StringComparer.Ordinal)),
                "protocols " + string.Join(",", counts.Protocols.Order(StringComparer.Ordinal)),
                .. members,
            ]);
        }
    }

    /// <summary>
    /// SharpFuzz's instrumentation keeps the last branch in one static field for every thread, so instrumented code
    /// running on several threads at once records edges that do not exist: the first split campaign had 11% stability
    /// and a queue full of noise. The sequential run guides the fuzzer; while the lanes run, the instrumentation writes
    /// into a scratch map that the fuzzer never sees. Outside a fuzzer (replay) there is no map and nothing to do.
    /// </summary>
    private sealed unsafe class UnguidedThreads : IDisposable
    {
        private static readonly byte* Scratch = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
        private static readonly UnguidedThreads Instance = new();
        private byte* _map;
        private int _previous;

        public static UnguidedThreads Enter()
        {
            Instance._map = SharpFuzz.Common.Trace.SharedMem;
            Instance._previous = SharpFuzz.Common.Trace.PrevLocation;
            if (Instance._map is not null)
                SharpFuzz.Common.Trace.SharedMem = Scratch;
            return Instance;
        }

        public void Dispose()
        {
            if (_map is not null)
                SharpFuzz.Common.Trace.SharedMem = _map;
            SharpFuzz.Common.Trace.PrevLocation = _previous;
        }
    }
}
