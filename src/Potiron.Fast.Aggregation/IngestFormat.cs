namespace Potiron.Fast.Aggregation;

/// <summary>potiron's three storage formats (the <c>format</c> entry of <c>PARAMETERS</c>).</summary>
public enum IngestFormat
{
    Standard,
    Isn,
    Layer2,
}
