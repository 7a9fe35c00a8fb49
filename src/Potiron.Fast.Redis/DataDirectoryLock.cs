using Potiron.Fast.Aggregation;

namespace Potiron.Fast.Redis;

/// <summary>
/// Keeps two processes from opening one data folder: an exclusive lock on <c>potiron.lock</c> inside it, held until
/// disposed. On Linux and macOS .NET takes <c>FileShare.None</c> as an advisory <c>flock</c>, which the kernel drops
/// when the process dies, so a crash never leaves the folder locked. The file itself stays, empty. (It holds no process
/// id: .NET takes a shared flock to read any file, which the owner's exclusive lock refuses.)
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "potiron.lock";

    private readonly FileStream stream;

    private DataDirectoryLock(FileStream stream, string directory)
    {
        this.stream = stream;
        Directory = directory;
    }

    /// <summary>The locked folder (full path).</summary>
    public string Directory { get; }

    /// <summary>Creates the folder if needed and locks it, or throws a <see cref="SinkConfigurationException"/> naming it.</summary>
    public static DataDirectoryLock Acquire(string directory)
    {
        var fullPath = Path.GetFullPath(directory);
        var lockPath = Path.Combine(fullPath, FileName);
        try
        {
            System.IO.Directory.CreateDirectory(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SinkConfigurationException($"Cannot create the data folder {fullPath}: {e.Message}");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SinkConfigurationException($"Cannot lock the data folder {fullPath}: {e.Message}");
        }
        catch (IOException)
        {
            throw new SinkConfigurationException(
                $"The data folder {fullPath} is in use by another potiron process; wait for it to finish or choose another data folder.");
        }
        return new DataDirectoryLock(stream, fullPath);
    }

    public void Dispose() => stream.Dispose();
}
