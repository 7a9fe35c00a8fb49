using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Potiron.Fast.Capture;

/// <summary>
/// File names that are not valid UTF-8, which Linux allows (any bytes but '/' and NUL). .NET decodes every name it
/// lists or receives on the command line as UTF-8 with U+FFFD for each invalid sequence, and encodes it back as
/// EF BF BD: such a file cannot be opened by the name .NET gives. Here it is listed and opened by its bytes (libc's
/// opendir, readdir and open), and named in text with each byte of an invalid sequence written <c>\xHH</c>, as
/// Python's <c>backslashreplace</c> and <c>ls -b</c> show it. That text is its name in messages and in FILES.
/// </summary>
internal static unsafe partial class NativeFileNames
{
    private const string Libc = "libc";
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC, the same on x86-64 and arm64 Linux
    private const byte DirectoryType = 4;                // DT_DIR
    // struct dirent of 64-bit Linux, glibc and musl alike: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
    private const int DirentTypeOffset = 18;
    private const int DirentNameOffset = 19;

    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>The text of a name: valid UTF-8 as it is, each byte of an invalid sequence as <c>\xHH</c>.</summary>
    public static string ToText(ReadOnlySpan<byte> name)
    {
        var text = new StringBuilder(name.Length);
        while (!name.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(name, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
                text.Append(rune.ToString());
            else
            {
                foreach (var b in name[..consumed])
                    text.Append(@"\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            name = name[consumed..];
        }
        return text.ToString();
    }

    /// <summary>
    /// The entries of <paramref name="folder"/> (a name .NET can pass) that .NET lists as <paramref name="listedName"/>:
    /// the byte names, and whether each is a folder. Several names can give the same listed name.
    /// </summary>
    public static List<(byte[] Name, bool IsDirectory)> FindListed(string folder, string listedName)
    {
        var found = new List<(byte[], bool)>();
        var directory = opendir(NullTerminated(folder));
        if (directory == 0)
            return found;
        try
        {
            for (nint entry; (entry = readdir(directory)) != 0;)
            {
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + DirentNameOffset);
                if (Encoding.UTF8.GetString(name) == listedName)
                    found.Add((name.ToArray(), *((byte*)entry + DirentTypeOffset) == DirectoryType));
            }
        }
        finally
        {
            _ = closedir(directory);
        }
        return found;
    }

    /// <summary>The full path in bytes of <paramref name="name"/> in <paramref name="folder"/>.</summary>
    public static byte[] Join(string folder, byte[] name)
    {
        var prefix = Encoding.UTF8.GetBytes(Path.EndsInDirectorySeparator(folder) ? folder : folder + "/");
        return [.. prefix, .. name];
    }

    /// <summary>Opens a file by its bytes for reading; throws IOException (or UnauthorizedAccessException) as FileStream does.</summary>
    public static FileStream OpenRead(byte[] path)
    {
        var descriptor = open([.. path, 0], OpenReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            var message = Marshal.GetPInvokeErrorMessage(error);
            throw error == 13 ? new UnauthorizedAccessException(message) : new IOException(message); // 13: EACCES
        }
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            // No FileStream buffer: the reader reads in large blocks into its own buffer.
            return new FileStream(handle, FileAccess.Read, bufferSize: 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static byte[] NullTerminated(string text) => [.. Encoding.UTF8.GetBytes(text), 0];

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint opendir(byte[] name);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint readdir(nint directory);

    [LibraryImport(Libc)]
    private static partial int closedir(nint directory);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int open(byte[] path, int flags);
}
