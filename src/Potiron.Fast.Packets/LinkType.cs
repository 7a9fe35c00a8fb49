namespace Potiron.Fast.Packets;

/// <summary>
/// Link-layer header types as pcap and pcapng files record them (the LINKTYPE_ registry values,
/// not the platform-dependent DLT_ numbers).
/// </summary>
public enum LinkType : ushort
{
    Null = 0,
    Ethernet = 1,
    Ppp = 9,
    Raw = 101,
    PppHdlc = 50,
    PppEther = 51,
    CiscoHdlc = 104,
    Ieee80211 = 105,
    Loop = 108,
    LinuxSll = 113,
    Ieee80211Radiotap = 127,
    Ppi = 192,
    IpOverInfiniband = 242,
    IpNet = 226,
    ArcnetLinux = 129,
    Ipv4 = 228,
    Ipv6 = 229,
    Nflog = 239,
    Pktap = 258,
    LinuxSll2 = 276,
    /// <summary>Raw IP as OpenBSD and old libpcap wrote it (DLT_RAW 12/14 on some systems).</summary>
    RawOpenBsd = 14,
    RawAlternative = 12,
}
