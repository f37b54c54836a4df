using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mail.Protocols.Store;

/// <summary>
/// The few POSIX calls .NET does not expose: fsync of a directory (so a rename or link survives a
/// crash) and link(2) (so one spooled message becomes a file in several accounts without copying).
/// </summary>
/// <remarks>Linux only; callers check <see cref="OperatingSystem.IsLinux"/> and fall back elsewhere.</remarks>
internal static partial class NativeFileSystem
{
    // O_RDONLY is 0 on every Linux architecture; O_CLOEXEC (02000000) is the same on x64 and arm64.
    // O_DIRECTORY differs per architecture, so it is not used: opening a directory read-only works without it.
    private const int OpenReadOnlyCloseOnExec = 0x80000;
    private const int ErrorInterrupted = 4;

    /// <summary>fsyncs a directory so entries created, renamed or removed in it are durable (no-op off Linux).</summary>
    /// <exception cref="IOException">open or fsync failed.</exception>
    public static void SyncDirectory(string path)
    {
        using var handle = OpenDirectory(path);
        SyncDirectory(handle, path);
    }

    /// <summary>Opens a directory for repeated <see cref="SyncDirectory(SafeFileHandle, string)"/> calls; an invalid handle off Linux.</summary>
    /// <exception cref="IOException">open failed.</exception>
    public static SafeFileHandle OpenDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new SafeFileHandle();
        }
        int fd;
        do
        {
            fd = Open(path, OpenReadOnlyCloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == ErrorInterrupted);
        if (fd < 0)
        {
            throw new IOException($"open({path}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return new SafeFileHandle((nint)fd, ownsHandle: true);
    }

    /// <summary>fsyncs a directory opened with <see cref="OpenDirectory"/> (no-op for an invalid handle).</summary>
    /// <exception cref="IOException">fsync failed.</exception>
    public static void SyncDirectory(SafeFileHandle directory, string path)
    {
        if (directory.IsInvalid)
        {
            return;
        }
        if (Fsync(directory) != 0)
        {
            throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Creates a hard link; false when the file system refuses (other device, no support, not Linux).</summary>
    /// <exception cref="IOException">The link name already exists or another unexpected error.</exception>
    public static bool TryHardLink(string existingPath, string newPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        if (Link(existingPath, newPath) == 0)
        {
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        // EXDEV 18, EPERM 1, EMLINK 31, ENOTSUP/EOPNOTSUPP 95: the file system cannot link; copy instead.
        if (errno is 18 or 1 or 31 or 95)
        {
            return false;
        }
        throw new IOException($"link({existingPath}, {newPath}) failed: errno {errno}");
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existingPath, string newPath);
}
