namespace Potiron.Fast.Capture;

/// <summary>
/// The length limits tshark 4.0 (wiretap) applies, so that we accept and refuse the same files, and never
/// allocate for a length that cannot be right.
/// </summary>
public static class CaptureLimits
{
    /// <summary>wiretap's WTAP_MAX_PACKET_SIZE_STANDARD: the largest caplen for most link types.</summary>
    public const uint StandardMaxCapturedLength = 262_144;

    /// <summary>D-Bus and the USB link types carry whole messages/transfers (WTAP_MAX_PACKET_SIZE_DBUS, _USBPCAP).</summary>
    public const uint LargeMaxCapturedLength = 128 * 1024 * 1024;

    /// <summary>Elektrobit's EBHSCR (WTAP_MAX_PACKET_SIZE_EBHSCR).</summary>
    public const uint EbhscrMaxCapturedLength = 8 * 1024 * 1024;

    /// <summary>
    /// wiretap's pcapng MAX_BLOCK_SIZE: an enhanced packet block holding the largest D-Bus packet plus 128 KiB of
    /// options. Bigger blocks are refused before anything is allocated for them.
    /// </summary>
    public const uint MaxPcapngBlockLength = 32 + LargeMaxCapturedLength + 131_072;

    /// <summary>
    /// The largest caplen tshark 4.0 accepts for a link type (wtap_max_snaplen_for_encap). Checked against
    /// tshark 4.0.17 itself: 231 D-Bus; 186, 189, 220, 249, 266 USB (FreeBSD, Linux, Linux mmapped, USBPcap, Darwin)
    /// take 128 MiB; 279 EBHSCR 8 MiB; every other one, 288-295 USB 2.0 included, 262144.
    /// </summary>
    public static uint MaxCapturedLength(ushort linkType) => linkType switch
    {
        231 or 186 or 189 or 220 or 249 or 266 => LargeMaxCapturedLength,
        279 => EbhscrMaxCapturedLength,
        _ => StandardMaxCapturedLength,
    };
}
