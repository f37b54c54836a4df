namespace Mail.Protocols.Store;

/// <summary>
/// A new message being written, in pieces, straight into the account's <c>tmp/</c> directory (the first step of the
/// tmp → fsync → rename path every delivery takes), so that a protocol can stream a large message from the connection
/// to disk without holding it in memory (IMAP APPEND literals). Created by <see cref="IAccountStore.CreateUpload"/>,
/// committed by <see cref="IAccountStore.AppendUploadAsync"/>; disposing it removes the file unless it was committed.
/// </summary>
/// <remarks>
/// Once more than <see cref="StoreLimits.MaxMessageOctets"/> octets have been written the file is removed at once and
/// further writes are discarded (<see cref="TooBig"/>): the caller keeps reading its input and then refuses the message.
/// Not thread-safe.
/// </remarks>
public sealed class MessageUpload : IDisposable
{
    private const int BufferOctets = 64 * 1024;
    private FileStream? _file;
    private bool _committed;

    internal MessageUpload(IAccountStore owner, string tmpPath, string fileName, long maxOctets)
    {
        Owner = owner;
        TmpPath = tmpPath;
        FileName = fileName;
        MaxOctets = maxOctets;
        // FileShare.ReadWrite: names are unique, and on Unix anything stricter costs a flock(2) per file.
        _file = new FileStream(tmpPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, BufferOctets, FileOptions.Asynchronous);
    }

    /// <summary>Octets received so far (also those discarded after <see cref="TooBig"/>).</summary>
    public long Length { get; private set; }

    /// <summary>True once more than <see cref="MaxOctets"/> octets arrived: nothing is kept, the message will be refused.</summary>
    public bool TooBig { get; private set; }

    /// <summary>Largest message accepted, in octets (<see cref="StoreLimits.MaxMessageOctets"/>).</summary>
    public long MaxOctets { get; }

    internal IAccountStore Owner { get; }

    internal string TmpPath { get; }

    internal string FileName { get; }

    /// <summary>Appends octets of the message.</summary>
    /// <exception cref="ObjectDisposedException">The upload was committed or disposed.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> octets, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        Length += octets.Length;
        if (TooBig)
        {
            return;
        }
        if (Length > MaxOctets)
        {
            TooBig = true;
            CloseAndDelete();
            return;
        }
        ObjectDisposedException.ThrowIf(_file is null, this);
        await _file.WriteAsync(octets, cancellationToken);
    }

    /// <summary>Flushes and fsyncs the file and closes it, ready to be renamed into <c>cur/</c>.</summary>
    internal async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_file is null, this);
        await _file.FlushAsync(cancellationToken);
        _file.Flush(flushToDisk: true);
        await _file.DisposeAsync();
        _file = null;
    }

    /// <summary>The file now has its final name (or was removed by the store): nothing to clean up.</summary>
    internal void MarkCommitted() => _committed = true;

    /// <summary>Removes the temporary file unless the message was committed.</summary>
    public void Dispose()
    {
        if (!_committed)
        {
            _committed = true;
            CloseAndDelete();
        }
    }

    private void CloseAndDelete()
    {
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
            // Flushing the buffered tail failed (disk full); the file goes anyway.
        }
        _file = null;
        MessageFiles.TryDelete(TmpPath);
    }
}
