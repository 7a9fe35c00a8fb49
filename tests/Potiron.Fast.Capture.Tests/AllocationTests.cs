using Potiron.Fast.TestSupport;

namespace Potiron.Fast.Capture.Tests;

/// <summary>Once a file is open, reading its records allocates nothing: not per record, not per buffer refill.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Reading_pcap_records_allocates_nothing()
    {
        var builder = new PcapBuilder(nanosecond: true);
        for (int i = 0; i < 5000; i++)
        {
            builder.Add((uint)i, (uint)i, CaptureReading.Packet(600 + i % 400, i));
        }

        AssertNoAllocationWhileReading(builder.ToArray(), 5000);
    }

    [Fact]
    public void Reading_pcapng_records_allocates_nothing()
    {
        var builder = new PcapngBuilder();
        for (int section = 0; section < 2; section++)
        {
            builder.Section(bigEndian: section == 1).Interface(1, timestampResolution: 9).Interface(113, snapLength: 64);
            for (int i = 0; i < 2500; i++)
            {
                if (i % 10 == 0)
                {
                    builder.SimplePacket(200, CaptureReading.Packet(200, i));
                }
                else
                {
                    builder.EnhancedPacket((uint)(i % 2), (ulong)i * 1_000_003, CaptureReading.Packet(600 + i % 400, i));
                }

                if (i % 500 == 0)
                {
                    builder.Block(0x12345678, new byte[64]);
                }
            }
        }

        AssertNoAllocationWhileReading(builder.ToArray(), 5000);
    }

    private static void AssertNoAllocationWhileReading(byte[] file, int records)
    {
        Assert.True(file.Length > 3 << 20, "the file must need several buffer refills");
        // A first pass compiles every path.
        Assert.Equal(records, CaptureReading.Read(file).Records.Count);

        using var reader = CaptureFileReader.Open(new MemoryStream(file, writable: false), "allocation");
        Assert.True(reader.TryRead(out _));
        long count = 1;
        long bytes = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (reader.TryRead(out CaptureRecord record))
        {
            count++;
            bytes += record.Data.Length;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(records, count);
        Assert.True(bytes > 0);
        Assert.Null(reader.Problem);
        Assert.Equal(0, allocated);
    }
}
