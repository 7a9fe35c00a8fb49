namespace Potiron.Fast.Capture;

internal static class PcapngBlockType
{
    public const uint SectionHeader = 0x0A0D0D0A;
    public const uint InterfaceDescription = 1;
    /// <summary>The obsolete packet block.</summary>
    public const uint Packet = 2;
    public const uint SimplePacket = 3;
    public const uint NameResolution = 4;
    public const uint InterfaceStatistics = 5;
    public const uint EnhancedPacket = 6;
    public const uint DecryptionSecrets = 10;
    public const uint Custom = 0x00000BAD;
    public const uint CustomNoCopy = 0x40000BAD;

    public const uint ByteOrderMagic = 0x1A2B3C4D;

    /// <summary>Type, length and trailing length.</summary>
    public const int MinimumLength = 12;
    public const int MinimumSectionHeaderLength = 28;
    public const int MinimumInterfaceDescriptionLength = 20;
    public const int MinimumPacketLength = 32;
    public const int MinimumSimplePacketLength = 16;
    public const int MinimumNameResolutionLength = 16;
    public const int MinimumInterfaceStatisticsLength = 24;
    public const int MinimumCustomLength = 16;
    public const int MinimumDecryptionSecretsLength = 20;
}
