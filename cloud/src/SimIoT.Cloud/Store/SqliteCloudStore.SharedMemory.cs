using System.Runtime.InteropServices;

namespace SimIoT.Cloud.Store;

/// <summary>
/// SQLite maps the WAL index file (<c>-shm</c>) into memory. When another party truncates,
/// replaces or takes write access from that file while it is mapped, SQLite's next access to the
/// mapping faults (SIGBUS), which no .NET code can catch: the process would die without a word.
/// So before every statement the store checks that the file is still the one it mapped, no
/// shorter than it has been and writable; if not, the statement is not run, the operation fails
/// with an IOException (logged, retried, readiness 503 naming the store) and SQLite never touches
/// the mapping. What is left is the race between this check and the access (docs/operations.md).
/// </summary>
public sealed partial class SqliteCloudStore
{
    private const int WriteOk = 2;
    private FileIdentity? _shmIdentity;
    private long _shmLength;

    private void CheckSharedMemory()
    {
        string path = FilePath + "-shm";
        var identity = FileIdentity.Of(path);
        if (identity is null)
        {
            if (_shmIdentity is null) return; // not created yet (or statx missing): nothing mapped to check
            throw new IOException($"The SQLite shared-memory file {path} is gone while the cloud has it mapped; restart the cloud");
        }
        long length = new FileInfo(path).Length;
        if (_shmIdentity is null)
        {
            _shmIdentity = identity;
            _shmLength = length;
        }
        if (identity != _shmIdentity)
            throw new IOException($"The SQLite shared-memory file {path} was replaced while the cloud has it mapped; restart the cloud");
        if (length < _shmLength)
            throw new IOException($"The SQLite shared-memory file {path} was truncated ({length} bytes, was {_shmLength}) while mapped: SQLite would fault (SIGBUS) on it; restart the cloud");
        _shmLength = length;
        if (Access(path, WriteOk) != 0)
            throw new IOException($"The SQLite shared-memory file {path} is not writable; SQLite cannot use it safely");
    }

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
}
