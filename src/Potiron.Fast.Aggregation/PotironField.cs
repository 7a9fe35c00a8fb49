namespace Potiron.Fast.Aggregation;

/// <summary>The twelve counted fields of potiron's standard format, in <c>JSON_FIELDS</c> default order.</summary>
public enum PotironField : byte
{
    Length,
    Protocol,
    IpSource,
    IpDestination,
    IpTtl,
    IpTos,
    SourcePort,
    DestinationPort,
    TcpSequence,
    TcpAcknowledgement,
    IcmpCode,
    IcmpType,
}
