using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Imap.Mime;

/// <summary>
/// Bounded cache of parsed message structures keyed by (account, mailbox id, UID). Mailbox ids and
/// UIDs are never reused and stored messages never change, so entries never go stale; the bound is
/// <see cref="ImapOptions.StructureCacheEntries"/>, least recently used entries leave first.
/// </summary>
public sealed class ImapStructureCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly ILogger _logger;

    public ImapStructureCache(IOptions<ImapOptions> options, ILoggerFactory loggers)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.StructureCacheEntries) });
        _logger = loggers.CreateLogger("Mail.Protocols.Imap");
    }

    /// <summary>The cached structure, or null.</summary>
    public ImapMessageStructure? Find(string account, long mailboxId, uint uid) =>
        _cache.TryGetValue(new Key(account, mailboxId, uid), out ImapMessageStructure? s) ? s : null;

    /// <summary>Parses (or falls back for malformed MIME) and caches the structure of a message.</summary>
    public ImapMessageStructure GetOrParse(string account, long mailboxId, uint uid, ReadOnlyMemory<byte> message)
    {
        var key = new Key(account, mailboxId, uid);
        if (_cache.TryGetValue(key, out ImapMessageStructure? cached) && cached is not null)
        {
            return cached;
        }
        ImapMessageStructure structure;
        try
        {
            structure = ImapMessageStructure.Parse(message);
        }
        catch (FormatException ex)
        {
            ImapLog.MimeParseFailed(_logger, mailboxId, uid, ex);
            structure = ImapMessageStructure.Fallback(message.Span);
        }
        _cache.Set(key, structure, new MemoryCacheEntryOptions { Size = 1 });
        return structure;
    }

    public void Dispose() => _cache.Dispose();

    private readonly record struct Key(string Account, long MailboxId, uint Uid);
}
