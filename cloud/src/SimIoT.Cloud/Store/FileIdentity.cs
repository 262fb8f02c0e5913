using System.Runtime.InteropServices;

namespace SimIoT.Cloud.Store;

/// <summary>
/// The device and inode of a path (Linux statx, whose layout is the same on every architecture),
/// so the store can tell that the file at its path is still the file it has open: a deleted or
/// replaced database would otherwise take writes that vanish at the next start.
/// </summary>
public readonly record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;

    /// <summary>The identity of the file at <paramref name="path"/>; null where the path names no file or statx is missing.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0) return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        return new FileIdentity(BitConverter.ToUInt32(buffer, 136), BitConverter.ToUInt32(buffer, 140), BitConverter.ToUInt64(buffer, 32));
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
