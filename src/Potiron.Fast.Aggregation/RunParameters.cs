namespace Potiron.Fast.Aggregation;

/// <summary>
/// Everything about a run that the store records in <c>PARAMETERS</c>, <c>FIELDS</c> and <c>JSON_FIELDS</c>
/// and that must agree between runs that feed one database.
/// </summary>
public sealed record RunParameters
{
    public IngestFormat Format { get; init; } = IngestFormat.Standard;
    public FieldSelection Fields { get; init; } = FieldSelection.All;
    public bool CombinedKeys { get; init; }
    /// <summary>The user's extra display filter (<c>-tf</c>), tokens joined by single spaces; null when absent.</summary>
    public string? UserFilter { get; init; }
    public bool EnableJson { get; init; }
    /// <summary>The <c>-o</c> value as given, or null (stored as the string <c>None</c>).</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Also count IPv6 packets (Potiron.Fast extension, recorded in <c>PARAMETERS</c>).</summary>
    public bool Ipv6 { get; init; }
}
