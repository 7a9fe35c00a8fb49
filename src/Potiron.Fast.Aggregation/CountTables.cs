using System.Diagnostics;
using System.Runtime.CompilerServices;
using Potiron.Fast.Packets;

namespace Potiron.Fast.Aggregation;

/// <summary>
/// One worker's counts for potiron's standard format: per <see cref="DayBucket"/> (a day, and with combined keys a
/// protocol) how often each value of each selected field appeared. Counting allocates nothing once the buckets,
/// pages and hash tables it needs exist. Workers' tables are merged with <see cref="MergeFrom"/> and turned into
/// member strings only by <see cref="ToFileCounts(string, string, string)"/>.
/// </summary>
/// <remarks>
/// Values follow the reference's §3.5 exactly. IPv4 packets use the first IPv4 header; with the IPv6 option an
/// IPv6-only packet (no IPv4 header anywhere) uses its first IPv6 header: hop limit as <c>ipttl</c>, traffic class
/// as <c>iptos</c>, payload length + 40 as <c>length</c>, the upper-layer protocol as <c>protocol</c>.
/// <para>Counts are 32-bit. Before any could wrap (2^32 - 1 packets since the last spill), and whenever the tables
/// outgrow <see cref="MemoryBudget"/>, they spill their counts to a sorted run on disk and start again empty; the file's
/// counts are then the merge of its runs (64-bit sums), so very large files stay exact in bounded memory.</para>
/// <para>Not thread-safe: one instance per worker.</para>
/// </remarks>
public sealed partial class CountTables
{
    private const int NoDay = int.MinValue;

    private readonly CountLayout _layout;
    private readonly FieldSelection _selection;
    private readonly long _spillThreshold;

    // Field flags read per packet (predictable branches; the arrays of unselected fields do not exist).
    private readonly bool _countLength, _countProtocol, _countIpSource, _countIpDestination, _countTtl, _countTos;
    private readonly bool _countSourcePort, _countDestinationPort, _countSequence, _countAcknowledgement;
    private readonly bool _countIcmpCode, _countIcmpType;
    private readonly bool _tcpSource, _udpSource, _tcpDestination, _udpDestination;
    private readonly int _protocolSlotMask;   // 0xFF with combined keys (one bucket per protocol), 0 without

    // Buckets in creation order, and per day the slot array indexed by protocol (length 1 with simple keys).
    private readonly List<DayBucket> _buckets = [];
    private readonly Dictionary<int, DayBucket?[]> _slotsByDay = [];
    private readonly List<int> _dayOrder = [];
    private readonly List<int> _protocolOrder = [];
    private readonly bool[] _protocolSeen = new bool[256];
    private int _currentDay = NoDay;
    private DayBucket?[] _currentSlots = [];

    private long _packets;
    private long _packetsInCounters;   // bounds every 32-bit counter: spill before it passes _spillThreshold
    private long _nextLimitCheck;      // _packetsInCounters at which CheckLimits runs next

    public CountTables(FieldSelection selection, bool combinedKeys = false, bool ipv6 = false)
        : this(selection, combinedKeys, ipv6, uint.MaxValue)
    {
    }

    public CountTables(RunParameters parameters)
        : this(parameters.Fields, parameters.CombinedKeys, parameters.Ipv6)
    {
    }

    /// <param name="spillThreshold">Packets after which counts are spilled before a 32-bit counter could wrap (lowered by tests).</param>
    internal CountTables(FieldSelection selection, bool combinedKeys, bool ipv6, long spillThreshold)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentOutOfRangeException.ThrowIfLessThan(spillThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spillThreshold, uint.MaxValue);
        _selection = selection;
        _layout = CountLayout.From(selection, combinedKeys, ipv6);
        _spillThreshold = spillThreshold;
        _nextLimitCheck = spillThreshold;
        _countLength = _layout.Has(PotironField.Length);
        _countProtocol = _layout.Has(PotironField.Protocol);
        _countIpSource = _layout.Has(PotironField.IpSource);
        _countIpDestination = _layout.Has(PotironField.IpDestination);
        _countTtl = _layout.Has(PotironField.IpTtl);
        _countTos = _layout.Has(PotironField.IpTos);
        _countSourcePort = _layout.Has(PotironField.SourcePort);
        _countDestinationPort = _layout.Has(PotironField.DestinationPort);
        _countSequence = _layout.Has(PotironField.TcpSequence);
        _countAcknowledgement = _layout.Has(PotironField.TcpAcknowledgement);
        _countIcmpCode = _layout.Has(PotironField.IcmpCode);
        _countIcmpType = _layout.Has(PotironField.IcmpType);
        _tcpSource = selection.TcpSourcePort;
        _udpSource = selection.UdpSourcePort;
        _tcpDestination = selection.TcpDestinationPort;
        _udpDestination = selection.UdpDestinationPort;
        _protocolSlotMask = combinedKeys ? 0xFF : 0;
    }

    public FieldSelection Selection => _selection;
    public bool CombinedKeys => _layout.CombinedKeys;
    public bool Ipv6 => _layout.Ipv6;

    /// <summary>Packets counted since the last <see cref="Clear"/>.</summary>
    public long PacketCount => _packets + _pendingCount;

    /// <summary>The buckets, in creation order.</summary>
    public IReadOnlyList<DayBucket> Buckets
    {
        get
        {
            FlushPending();
            return _buckets;
        }
    }

    /// <summary>
    /// The one place that decides whether potiron counts a packet: tshark's <c>ip.dst ne 255.255.255.255</c>
    /// (some IPv4 header, none to the limited broadcast), or with the IPv6 option an IPv6 packet without any IPv4 header.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCounted(in PacketFields fields, bool ipv6) =>
        fields.PassesDefaultFilter || (ipv6 && fields.HasIpv6 && !fields.HasIpv4);

    /// <summary>
    /// Filters, dates and counts one packet: the whole per-packet path of the standard format. The fields are copied
    /// into the queue; a reader that decodes into <see cref="QueueSlot"/> and calls <see cref="CountQueuedSlot"/> saves
    /// that copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CountOutcome CountPacket(long epochSeconds, in PacketFields fields, DayCalendar calendar)
    {
        QueueSlot = fields;
        return CountQueuedSlot(epochSeconds, calendar);
    }

    /// <summary>
    /// Prefetches the hash-table slots that <see cref="Count"/> will touch for this packet (addresses, seq, ack), when
    /// its bucket exists already. Counting a batch as "prefetch all, then count all" overlaps the cache misses of
    /// darknet traffic, where nearly every sequence number is new.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int day, in PacketFields fields)
    {
        if (day != _currentDay || !fields.HasIpv4)
            return;
        var bucket = _currentSlots[fields.Ipv4Protocol & _protocolSlotMask];
        if (bucket is null)
            return;
        if (_countIpSource)
            bucket.Ipv4Source.Prefetch(fields.Ipv4Source);
        if (_countIpDestination)
            bucket.Ipv4Destination.Prefetch(fields.Ipv4Destination);
        if (_countSequence && fields.TcpSequence > 0)
            bucket.Sequence.Prefetch((uint)fields.TcpSequence);
        if (_countAcknowledgement && fields.TcpAcknowledgement > 0)
            bucket.Acknowledgement.Prefetch((uint)fields.TcpAcknowledgement);
    }

    /// <summary>
    /// Counts one packet that <see cref="IsCounted"/> accepted, on a day from <see cref="DayCalendar.TryGetDay"/>.
    /// </summary>
    public void Count(int day, in PacketFields fields)
    {
        Debug.Assert(IsCounted(fields, _layout.Ipv6), "Count is only for packets that IsCounted accepts.");
        var ipv4 = fields.HasIpv4;
        int protocol, length, ttl, tos;
        if (ipv4)
        {
            protocol = fields.Ipv4Protocol;
            length = fields.Ipv4TotalLength;
            ttl = fields.Ipv4Ttl;
            tos = fields.Ipv4Tos;
        }
        else
        {
            protocol = fields.Ipv6UpperProtocol;
            length = fields.Ipv6PayloadLength + DayBucket.Ipv6HeaderLength;
            ttl = fields.Ipv6HopLimit;
            tos = fields.Ipv6TrafficClass;
        }

        var slots = day == _currentDay ? _currentSlots : EnterDay(day);
        var bucket = slots[protocol & _protocolSlotMask] ?? CreateBucket(day, protocol, slots);
        bucket.Packets++;

        if (_countLength)
            bucket.Length.Increment(length);
        if (_countProtocol)
            bucket.Protocol.Increment(protocol);
        if (_countIpSource)
        {
            if (ipv4)
                bucket.Ipv4Source.Increment(fields.Ipv4Source);
            else
                bucket.Ipv6Source.Increment(fields.Ipv6Source);
        }
        if (_countIpDestination)
        {
            if (ipv4)
                bucket.Ipv4Destination.Increment(fields.Ipv4Destination);
            else
                bucket.Ipv6Destination.Increment(fields.Ipv6Destination);
        }
        if (_countTtl)
            bucket.Ttl.Increment(ttl);
        if (_countTos)
            bucket.Tos.Increment(tos);
        if (_countSourcePort)
            bucket.SourcePort.Increment(PortSlot(fields.TcpSourcePort, fields.UdpSourcePort, _tcpSource, _udpSource));
        if (_countDestinationPort)
            bucket.DestinationPort.Increment(PortSlot(fields.TcpDestinationPort, fields.UdpDestinationPort, _tcpDestination, _udpDestination));
        if (_countSequence)
        {
            if (fields.TcpSequence >= 0)
                bucket.Sequence.Increment((uint)fields.TcpSequence);
            else
                bucket.SequenceAbsent++;
        }
        if (_countAcknowledgement)
        {
            if (fields.TcpAcknowledgement >= 0)
                bucket.Acknowledgement.Increment((uint)fields.TcpAcknowledgement);
            else
                bucket.AcknowledgementAbsent++;
        }
        if (_countIcmpCode)
            bucket.IcmpCode.Increment(IcmpSlot(fields.IcmpCode));
        if (_countIcmpType)
            bucket.IcmpType.Increment(IcmpSlot(fields.IcmpType));

        _packets++;
        if (++_packetsInCounters >= _nextLimitCheck)
            CheckLimits();
    }

    /// <summary>
    /// potiron's <c>sport</c>/<c>dport</c> under the <c>-ff</c> port flags (§3.5): the TCP port when its field is
    /// selected and present, else the UDP port when its field is selected and present, else absent.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PortSlot(int tcp, int udp, bool useTcp, bool useUdp)
    {
        if (useTcp && (uint)tcp < 65536u)
            return tcp;
        if (useUdp && (uint)udp < 65536u)
            return udp;
        return DayBucket.PortAbsent;
    }

    // Absent ICMP counts as 255, merging with a real 255: the original's default.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int IcmpSlot(short value) => (uint)value < 256u ? value : MemberText.AbsentIcmp;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private DayBucket?[] EnterDay(int day)
    {
        if (!_slotsByDay.TryGetValue(day, out var slots))
        {
            slots = RentSlots();
            _slotsByDay.Add(day, slots);
            NoteDay(day);
        }
        _currentDay = day;
        _currentSlots = slots;
        return slots;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private DayBucket CreateBucket(int day, int protocol, DayBucket?[] slots)
    {
        var bucket = RentBucket();
        bucket.Day = day;
        if (_layout.CombinedKeys)
        {
            bucket.ProtocolNumber = protocol;
            if (!_protocolSeen[protocol])
            {
                _protocolSeen[protocol] = true;
                _protocolOrder.Add(protocol);
            }
        }
        else
        {
            bucket.ProtocolNumber = -1;
        }
        slots[protocol & _protocolSlotMask] = bucket;
        _buckets.Add(bucket);
        // Many small buckets (a day or a protocol per packet) grow memory faster than packets: look sooner.
        if (_memoryBudget != long.MaxValue && ++_bucketsSinceLimitCheck >= BucketsBetweenLimitChecks)
        {
            _bucketsSinceLimitCheck = 0;
            _nextLimitCheck = Math.Min(_nextLimitCheck, _packetsInCounters + 1);
        }
        return bucket;
    }

    /// <summary>The bucket of a day and protocol, made when missing (merging; not the per-packet path).</summary>
    private DayBucket GetOrCreateBucket(int day, int protocolNumber)
    {
        var slots = day == _currentDay ? _currentSlots : EnterDay(day);
        var protocol = _layout.CombinedKeys ? protocolNumber : 0;
        return slots[protocol & _protocolSlotMask] ?? CreateBucket(day, protocol, slots);
    }
}
