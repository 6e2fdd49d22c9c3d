using System.Runtime.InteropServices;

namespace PluRelSql.Schema;

public enum FileKind { Missing, Regular, Directory, SymbolicLink, CharacterDevice, BlockDevice, Fifo, Socket, Other }

/// <summary>What a path is, asked of the file system without opening it (opening a FIFO blocks, reading /dev/zero never
/// ends): its kind, size, identity, owner and permission bits. On Linux through statx(2); elsewhere from .NET's view,
/// which knows files, directories and links only, and no identity or owner (<see cref="Uid"/> -1).</summary>
public readonly record struct FileFacts(FileKind Kind, long Size, ulong Device, ulong Inode, int Uid = -1, int Mode = 0)
{
    /// <summary>The facts of <paramref name="path"/>; of the link itself when <paramref name="followLinks"/> is false.
    /// A path that does not exist (or runs through a non-directory) is <see cref="FileKind.Missing"/>.</summary>
    /// <exception cref="IOException">The file system refused to say (e.g. a directory on the way is not searchable).</exception>
    public static FileFacts Of(string path, bool followLinks)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsLinux() && !statxMissing)
        {
            try { return Statx(path, followLinks); }
            catch (EntryPointNotFoundException) { statxMissing = true; }
        }
        return Portable(path, followLinks);
    }

    /// <summary>Both name one file (same device and inode): known on Linux only.</summary>
    public bool SameFileAs(FileFacts other) =>
        Kind != FileKind.Missing && other.Kind != FileKind.Missing && Inode != 0 && Inode == other.Inode && Device == other.Device;

    /// <summary>"a FIFO", "a directory", … for messages.</summary>
    public string Describe() => Kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };

    private static bool statxMissing;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ENOENT = 2, ENOTDIR = 20;

    // struct statx has one layout on every Linux architecture: uid at 20, mode at 28, inode at 32, size at 40, device at
    // 136/140.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int NativeStatx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    private static FileFacts Statx(string path, bool followLinks)
    {
        var buffer = new byte[256];
        if (NativeStatx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return new FileFacts(FileKind.Missing, 0, 0, 0);
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        // Fields are in the machine's byte order.
        var span = buffer.AsSpan();
        var mode = MemoryMarshal.Read<ushort>(span[28..]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        var device = (ulong)MemoryMarshal.Read<uint>(span[136..]) << 32 | MemoryMarshal.Read<uint>(span[140..]);
        return new FileFacts(kind, (long)MemoryMarshal.Read<ulong>(span[40..]), device, MemoryMarshal.Read<ulong>(span[32..]),
            (int)MemoryMarshal.Read<uint>(span[20..]), mode & 0xFFF);
    }

    private static FileFacts Portable(string path, bool followLinks)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null) return new FileFacts(FileKind.SymbolicLink, 0, 0, 0);
        return info switch
        {
            DirectoryInfo => new FileFacts(FileKind.Directory, 0, 0, 0),
            FileInfo { Exists: true } f => new FileFacts(FileKind.Regular, f.Length, 0, 0),
            _ => new FileFacts(FileKind.Missing, 0, 0, 0),
        };
    }
}
