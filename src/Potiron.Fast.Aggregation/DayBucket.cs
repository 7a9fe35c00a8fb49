using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// The counters of one key prefix: one day, and with combined keys one protocol (<c>{sensor}:{proto}:{day}</c>).
/// Only the counters of the selected fields exist. Counters are written by <see cref="CountTables"/> only.
/// </summary>
public sealed class DayBucket
{
    // Index layouts. A counted packet always has an IP header, so length/ttl/tos/protocol are never absent in
    // practice; their "absent" slots exist so that every field has one text form for absence (§3.5).
    internal const int Ipv6HeaderLength = 40;
    internal const int LengthSlots = 65536 + Ipv6HeaderLength + 1;   // IPv6 length = payload length + 40
    internal const int LengthAbsent = LengthSlots - 1;
    internal const int ByteSlots = 256 + 1;
    internal const int ByteAbsent = 256;
    internal const int PortSlots = 65536 + 1;
    internal const int PortAbsent = 65536;
    internal const int IcmpSlots = 256;                               // absent counts as 255 (the original's default)

    internal PagedCounter Length;
    internal DenseCounter Protocol;
    internal SparseCounter<uint, UInt32Hasher> Ipv4Source;
    internal SparseCounter<uint, UInt32Hasher> Ipv4Destination;
    internal SparseCounter<Ipv6Address, Ipv6Hasher> Ipv6Source;
    internal SparseCounter<Ipv6Address, Ipv6Hasher> Ipv6Destination;
    internal DenseCounter Ttl;
    internal DenseCounter Tos;
    internal PagedCounter SourcePort;
    internal PagedCounter DestinationPort;
    internal SparseCounter<uint, UInt32Hasher> Sequence;
    internal uint SequenceAbsent;
    internal SparseCounter<uint, UInt32Hasher> Acknowledgement;
    internal uint AcknowledgementAbsent;
    internal DenseCounter IcmpCode;
    internal DenseCounter IcmpType;

    internal long Packets;

    internal DayBucket(CountLayout layout)
    {
        if (layout.Has(PotironField.Length))
            Length = new PagedCounter(LengthSlots);
        if (layout.Has(PotironField.Protocol))
            Protocol = new DenseCounter(ByteSlots);
        if (layout.Has(PotironField.IpSource))
        {
            Ipv4Source = SparseCounter<uint, UInt32Hasher>.Create();
            if (layout.Ipv6)
                Ipv6Source = SparseCounter<Ipv6Address, Ipv6Hasher>.Create();
        }
        if (layout.Has(PotironField.IpDestination))
        {
            Ipv4Destination = SparseCounter<uint, UInt32Hasher>.Create();
            if (layout.Ipv6)
                Ipv6Destination = SparseCounter<Ipv6Address, Ipv6Hasher>.Create();
        }
        if (layout.Has(PotironField.IpTtl))
            Ttl = new DenseCounter(ByteSlots);
        if (layout.Has(PotironField.IpTos))
            Tos = new DenseCounter(ByteSlots);
        if (layout.Has(PotironField.SourcePort))
            SourcePort = new PagedCounter(PortSlots);
        if (layout.Has(PotironField.DestinationPort))
            DestinationPort = new PagedCounter(PortSlots);
        if (layout.Has(PotironField.TcpSequence))
            Sequence = SparseCounter<uint, UInt32Hasher>.Create();
        if (layout.Has(PotironField.TcpAcknowledgement))
            Acknowledgement = SparseCounter<uint, UInt32Hasher>.Create();
        if (layout.Has(PotironField.IcmpCode))
            IcmpCode = new DenseCounter(IcmpSlots);
        if (layout.Has(PotironField.IcmpType))
            IcmpType = new DenseCounter(IcmpSlots);
    }

    /// <summary>Days since 1970-01-01 in the run's time zone (see <see cref="DayCalendar"/>).</summary>
    public int Day { get; internal set; }

    /// <summary>The IP protocol number with combined keys; -1 with simple keys.</summary>
    public int ProtocolNumber { get; internal set; }

    /// <summary>Packets counted into this bucket.</summary>
    public long PacketCount => Packets;

    internal void AddFrom(DayBucket other)
    {
        Packets += other.Packets;
        if (Length.IsAllocated) Length.AddFrom(other.Length);
        if (Protocol.IsAllocated) Protocol.AddFrom(other.Protocol);
        if (Ipv4Source.IsAllocated) Ipv4Source.AddFrom(other.Ipv4Source);
        if (Ipv4Destination.IsAllocated) Ipv4Destination.AddFrom(other.Ipv4Destination);
        if (Ipv6Source.IsAllocated) Ipv6Source.AddFrom(other.Ipv6Source);
        if (Ipv6Destination.IsAllocated) Ipv6Destination.AddFrom(other.Ipv6Destination);
        if (Ttl.IsAllocated) Ttl.AddFrom(other.Ttl);
        if (Tos.IsAllocated) Tos.AddFrom(other.Tos);
        if (SourcePort.IsAllocated) SourcePort.AddFrom(other.SourcePort);
        if (DestinationPort.IsAllocated) DestinationPort.AddFrom(other.DestinationPort);
        if (Sequence.IsAllocated) Sequence.AddFrom(other.Sequence);
        SequenceAbsent += other.SequenceAbsent;
        if (Acknowledgement.IsAllocated) Acknowledgement.AddFrom(other.Acknowledgement);
        AcknowledgementAbsent += other.AcknowledgementAbsent;
        if (IcmpCode.IsAllocated) IcmpCode.AddFrom(other.IcmpCode);
        if (IcmpType.IsAllocated) IcmpType.AddFrom(other.IcmpType);
    }

    /// <summary>Zeroes every count (not <see cref="PacketCount"/>); keeps the storage, hash tables up to a capacity.</summary>
    internal void ClearCounts(int maxRetainedTableCapacity)
    {
        if (Length.IsAllocated) Length.Clear();
        if (Protocol.IsAllocated) Protocol.Clear();
        if (Ipv4Source.IsAllocated) Ipv4Source.Clear(maxRetainedTableCapacity);
        if (Ipv4Destination.IsAllocated) Ipv4Destination.Clear(maxRetainedTableCapacity);
        if (Ipv6Source.IsAllocated) Ipv6Source.Clear(maxRetainedTableCapacity);
        if (Ipv6Destination.IsAllocated) Ipv6Destination.Clear(maxRetainedTableCapacity);
        if (Ttl.IsAllocated) Ttl.Clear();
        if (Tos.IsAllocated) Tos.Clear();
        if (SourcePort.IsAllocated) SourcePort.Clear();
        if (DestinationPort.IsAllocated) DestinationPort.Clear();
        if (Sequence.IsAllocated) Sequence.Clear(maxRetainedTableCapacity);
        SequenceAbsent = 0;
        if (Acknowledgement.IsAllocated) Acknowledgement.Clear(maxRetainedTableCapacity);
        AcknowledgementAbsent = 0;
        if (IcmpCode.IsAllocated) IcmpCode.Clear();
        if (IcmpType.IsAllocated) IcmpType.Clear();
    }

    internal long ApproximateBytes =>
        200 + Length.ApproximateBytes + Protocol.ApproximateBytes
        + Ipv4Source.ApproximateBytes + Ipv4Destination.ApproximateBytes
        + Ipv6Source.ApproximateBytes + Ipv6Destination.ApproximateBytes
        + Ttl.ApproximateBytes + Tos.ApproximateBytes
        + SourcePort.ApproximateBytes + DestinationPort.ApproximateBytes
        + Sequence.ApproximateBytes + Acknowledgement.ApproximateBytes
        + IcmpCode.ApproximateBytes + IcmpType.ApproximateBytes;
}
