namespace Potiron.Fast.Aggregation;

/// <summary>
/// Receives a sorted set's members one at a time as UTF-8 text with the amount to add, straight from the count tables:
/// no string per member, so a sink can stream millions of members in the memory of one buffer.
/// </summary>
/// <remarks>The span is valid during the call only; copy what must outlive it.</remarks>
public interface IMemberWriter
{
    void Write(ReadOnlySpan<byte> member, long count);
}
