using Potiron.Fast.Capture;
using static Potiron.Fast.TestSupport.PacketBuilder;

namespace Potiron.Fast.Ingest.Tests;

/// <summary>The per-packet path (read, decode, count) allocates nothing per packet.</summary>
public sealed class IngestWorkerTests
{
    [Fact]
    public void Reading_decoding_and_counting_allocates_nothing_per_packet()
    {
        using var folder = new TempFolder();
        var small = folder.Write("s-s-0-20240101000000.cap", Capture(2_000));
        var large = folder.Write("l-l-0-20240101000000.cap", Capture(100_000));
        var worker = new IngestWorker(new IngestOptions { Inputs = [] });
        // Warm up: tables, reader buffers and decoder state reach their steady sizes.
        worker.Read(CaptureInput.ForFile(large), null);
        worker.Read(CaptureInput.ForFile(small), null);

        var smallBytes = Allocated(() => worker.Read(CaptureInput.ForFile(small), null));
        var largeBytes = Allocated(() => worker.Read(CaptureInput.ForFile(large), null));
        // Opening a file costs a fixed amount; 98,000 more packets must cost nothing.
        Assert.True(largeBytes - smallBytes < 4096, $"{smallBytes} bytes for 2,000 packets, {largeBytes} for 100,000");
    }

    private static long Allocated(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Darknet-like SYNs with few distinct values, so the tables stop growing early.</summary>
    private static byte[] Capture(int packets)
    {
        var builder = new PcapBuilder();
        for (var i = 0; i < packets; i++)
        {
            var frame = Ethernet(Ipv4([10, 0, 0, (byte)(i % 50)], B, 6, Tcp((ushort)(40000 + (i % 100)), (ushort)(i % 7 + 20), (uint)(i % 300), 0)));
            builder.Add(1704067200u + (uint)(i / 1000), (uint)(i % 1000) * 1000, frame);
        }
        return builder.ToArray();
    }
}
