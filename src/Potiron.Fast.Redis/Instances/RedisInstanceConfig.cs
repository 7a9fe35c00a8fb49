using System.Globalization;
using System.Text;

namespace Potiron.Fast.Redis.Instances;

/// <summary>
/// The redis.conf of an instance. Same settings as the original's template where they matter (unix socket only, mode
/// 700, daemonized, log/RDB named after the instance, 16 databases, RDB snapshot after 10 minutes and 10000 changes),
/// plus the append-only file, a pid file in the folder, and absolute paths.
/// </summary>
/// <remarks>
/// <para><c>dir</c> and <c>unixsocket</c> are absolute and <c>dir</c> comes first: redis changes into <c>dir</c> while it
/// reads the file, so the bare names after it (<c>NAME.log</c>, <c>NAME.rdb</c>, <c>NAME.pid</c>) land in the folder
/// whatever the working directory, and the file works as it stands from anywhere (<c>redis-server /…/NAME.conf</c>, a
/// systemd unit). The original's relative paths only work after a <c>cd</c> into the folder. The socket line is the
/// path that <c>potiron ingest -u</c> takes. These two lines belong to the manager: when the root folder has moved,
/// <see cref="EnsurePaths"/> rewrites them before a start and leaves every other line as the user edited it.</para>
/// <para>Persistence: the append-only file, synced every second, means a server that is killed or a machine that goes
/// down loses about a second of writes instead of up to ten minutes with snapshots alone. Either way a file's counts
/// and its <c>FILES</c> entry are one MULTI/EXEC: a snapshot holds all of it or none, and redis drops a transaction cut
/// off at the end of the AOF when it loads it (<c>aof-load-truncated yes</c>), so a re-run imports the lost files again
/// and nothing is counted twice. SHUTDOWN writes both before the server exits.</para>
/// <para>Only directives that Redis 6 and 7 both know are written (an unknown one stops the server).</para>
/// </remarks>
public static class RedisInstanceConfig
{
    public static string Render(RedisInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var name = instance.Name;
        var text = $"""
            # redis-server config of the Potiron.Fast instance "{name}", written by `potiron redis create`.
            # Start and stop it with `potiron redis start -n {name}` / `potiron redis stop -n {name}`;
            # Fill it with `potiron ingest -u SOCKET -i CAPTURES`, SOCKET being the unixsocket path below.

            # The instance folder. First, so that the bare file names below are taken inside it.
            # This line and `unixsocket` are set by `potiron redis start` when the folder has moved.
            {DirectoryLine(instance)}

            # Unix socket only, readable and writable by this user only; no TCP port.
            port 0
            {SocketLine(instance)}
            unixsocketperm 700

            daemonize yes
            pidfile {name}.pid
            logfile {name}.log
            loglevel notice
            databases 16

            # Persistence: an RDB snapshot after 10 minutes if 10000 keys changed, and the append-only file, synced
            # every second, so that a killed server loses about a second of writes. A MULTI/EXEC cut off at the end of
            # the file is dropped whole when it is loaded.
            save 600 10000
            dbfilename {name}.rdb
            appendonly yes
            appendfilename {name}.aof
            appendfsync everysec
            aof-load-truncated yes
            aof-use-rdb-preamble yes

            """;
        return text.ReplaceLineEndings("\n");
    }

    /// <summary>Writes the config (mode 644, like the original's), creating the folder (mode 700: the socket and data are this user's).</summary>
    public static void Write(RedisInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        CreateFolder(instance.Folder);
        WriteAtomically(instance.ConfigPath, Render(instance));
    }

    /// <summary>
    /// Makes the <c>dir</c> and <c>unixsocket</c> lines point at the instance folder (replacing them where they are, or
    /// adding them at the top); every other line stays. Returns whether the file changed.
    /// </summary>
    public static bool EnsurePaths(RedisInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var lines = File.ReadAllLines(instance.ConfigPath).ToList();
        var wanted = new (string Directive, string Line)[] { ("dir", DirectoryLine(instance)), ("unixsocket", SocketLine(instance)) };
        var changed = false;
        foreach (var (directive, line) in wanted.Reverse())
        {
            var found = false;
            for (var i = 0; i < lines.Count; i++)
            {
                if (!string.Equals(FirstWord(lines[i]), directive, StringComparison.OrdinalIgnoreCase))
                    continue;
                found = true;
                if (lines[i] != line)
                {
                    lines[i] = line;
                    changed = true;
                }
            }
            if (!found)
            {
                lines.Insert(0, line);
                changed = true;
            }
        }
        if (changed)
            WriteAtomically(instance.ConfigPath, string.Join('\n', lines) + "\n");
        return changed;
    }

    /// <summary>
    /// A value as redis's config parser reads a double-quoted argument: backslash and quote escaped, control characters
    /// as <c>\xHH</c>; other characters (spaces, <c>$</c>, non-ASCII) as they are.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '\\' or '"')
                quoted.Append('\\').Append(c);
            else if (c < 0x20 || c == 0x7f)
                quoted.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            else
                quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    private static string DirectoryLine(RedisInstance instance) => "dir " + Quote(instance.Folder);

    private static string SocketLine(RedisInstance instance) => "unixsocket " + Quote(instance.SocketPath);

    private static string FirstWord(string line)
    {
        var trimmed = line.AsSpan().TrimStart();
        var end = trimmed.IndexOfAny(' ', '\t');
        return (end < 0 ? trimmed : trimmed[..end]).ToString();
    }

    internal static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder);
        else
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Write beside, then rename: a reader (or a crash) never sees half a file.</summary>
    internal static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
