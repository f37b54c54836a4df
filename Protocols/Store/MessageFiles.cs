using System.Buffers;
using System.Security.Cryptography;

namespace Mail.Protocols.Store;

/// <summary>Naming and durable writing of immutable message files.</summary>
internal static class MessageFiles
{
    private const int BufferOctets = 64 * 1024;

    /// <summary>A new unique file name: <c>&lt;unix seconds&gt;.&lt;16 random hex&gt;</c> (Maildir-like, sorts by arrival).</summary>
    public static string NewName(TimeProvider time)
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return string.Concat(time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ".", Convert.ToHexStringLower(random));
    }

    /// <summary>A new EMAILID (RFC 8474 objectid: letters and digits): <c>M</c> and 24 random hex digits.</summary>
    public static string NewEmailId()
    {
        Span<byte> random = stackalloc byte[12];
        RandomNumberGenerator.Fill(random);
        return string.Concat("M", Convert.ToHexStringLower(random));
    }

    /// <summary>
    /// Copies <paramref name="source"/> to its end into the new file <paramref name="path"/> and fsyncs it.
    /// </summary>
    /// <returns>The octets written, or -1 when more than <paramref name="maxOctets"/> arrived: then the
    /// file is removed and the rest of the source is read and discarded.</returns>
    public static async Task<long> WriteDurablyAsync(Stream source, string path, long maxOctets, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferOctets);
        var completed = false;
        try
        {
            long total = 0;
            var tooBig = false;
            // FileShare.ReadWrite: names are unique, and on Unix anything stricter costs a flock(2) per file.
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferOctets), cancellationToken)) > 0)
                {
                    total += read;
                    if (total > maxOctets)
                    {
                        tooBig = true;
                        break;
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                if (!tooBig)
                {
                    // fsync the content before the file gets its final name (Maildir order).
                    file.Flush(flushToDisk: true);
                }
            }
            if (tooBig)
            {
                File.Delete(path);
                while (await source.ReadAsync(buffer.AsMemory(0, BufferOctets), cancellationToken) > 0)
                {
                }
                completed = true;
                return -1;
            }
            completed = true;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!completed)
            {
                TryDelete(path);
            }
        }
    }

    /// <summary>Copies an existing file durably (the fallback when a hard link is impossible).</summary>
    public static void CopyDurably(string sourcePath, string destinationPath)
    {
        File.Copy(sourcePath, destinationPath);
        using var file = new FileStream(destinationPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Removes a file, ignoring its absence.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for recovery, which removes unindexed files when the account is next opened.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
