using System.Runtime.InteropServices;
using System.Text;

namespace Potiron.Fast.Cli.Tests;

/// <summary>
/// Files whose names are bytes that are not valid UTF-8, made on disk as they are (libc rename and unlink): .NET's own
/// file APIs encode every name as UTF-8, so a string with U+FFFD or an unpaired surrogate never gives such a name.
/// </summary>
internal static partial class RawFileName
{
    /// <summary>Moves <paramref name="path"/> to the name <paramref name="name"/> (bytes) in the same folder.</summary>
    public static byte[] RenameTo(string path, byte[] name)
    {
        var target = Join(Path.GetDirectoryName(path)!, name);
        if (rename(Terminated(Encoding.UTF8.GetBytes(path)), Terminated(target)) != 0)
            throw new IOException($"rename to a raw name failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return target;
    }

    public static bool Exists(byte[] path) => access(Terminated(path), 0) == 0;

    public static void Delete(byte[] path) => _ = unlink(Terminated(path));

    private static byte[] Join(string folder, byte[] name) => [.. Encoding.UTF8.GetBytes(folder), (byte)'/', .. name];

    private static byte[] Terminated(byte[] bytes) => [.. bytes, 0];

    [LibraryImport("libc", SetLastError = true)]
    private static partial int rename(byte[] from, byte[] to);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlink(byte[] path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int access(byte[] path, int mode);
}
