namespace Potiron.Fast.Ingest;

/// <summary>Receives progress from the pipeline (any thread). The CLI draws it; embedders may log it.</summary>
public interface IIngestProgress
{
    void FileStarted(string path);
    /// <summary>Called every few thousand packets with the packets read since the last call.</summary>
    void PacketsRead(long packets, long bytes);
    void FileFinished(FileResult result);
}
