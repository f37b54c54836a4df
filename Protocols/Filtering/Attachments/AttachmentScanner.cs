using System.Diagnostics;
using System.IO.Compression;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Protocols.Filtering.Attachments;

/// <summary>
/// The attachment policy (scanner <c>attachments</c>): every MIME part (MimeKit) is checked against
/// <see cref="AttachmentOptions.BannedMimeTypes"/>, its file name (Content-Disposition <c>filename</c> or Content-Type
/// <c>name</c>) against <see cref="AttachmentOptions.BannedExtensions"/>, and the first octets of its decoded content
/// against <see cref="AttachmentOptions.BannedContent"/> (for attachments and non-text parts: a text body may begin
/// with <c>#!</c>); zip content is opened (System.IO.Compression) and its entries checked the same way, within
/// <see cref="AttachmentOptions.MaxArchiveDepth"/>, <see cref="AttachmentOptions.MaxArchiveEntries"/> and
/// <see cref="AttachmentOptions.MaxArchiveOctets"/>.
/// </summary>
/// <remarks>
/// Result: <see cref="ScanOutcome.Clean"/> or, with a banned part, <see cref="ScanOutcome.Virus"/>-free
/// <see cref="ScanOutcome.Spam"/> with the reason in <see cref="ScanResult.Detail"/> (<c>invoice.pdf: content pe</c>)
/// and, by <see cref="AttachmentOptions.Action"/>: <see cref="ScanDemand.Reject"/> with <c>554 5.7.1</c>,
/// <see cref="ScanDemand.Junk"/>, or <see cref="ScanResult.Edits"/> that replace the body with the banned parts
/// swapped for notes. Archives that cannot be read (encrypted, corrupt) or that exceed the limits are named in the
/// detail and not banned.
/// </remarks>
public sealed class AttachmentScanner : IMessageScanner
{
    /// <summary>The scanner name.</summary>
    public const string ScannerName = "attachments";

    private readonly AttachmentOptions _options;
    private readonly HashSet<string> _extensions;
    private readonly HashSet<string> _types;
    private readonly HashSet<string> _content;

    public AttachmentScanner(IOptions<FilterOptions> options)
    {
        _options = options.Value.Attachments;
        _extensions = new HashSet<string>(_options.BannedExtensions.Select(e => e.Trim().TrimStart('.')), StringComparer.OrdinalIgnoreCase);
        _types = new HashSet<string>(_options.BannedMimeTypes.Select(t => t.Trim()), StringComparer.OrdinalIgnoreCase);
        _content = new HashSet<string>(_options.BannedContent.Select(c => c.Trim()), StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public string Name => ScannerName;

    /// <inheritdoc />
    public bool Enabled => _options.Enabled;

    /// <inheritdoc />
    public TimeSpan Timeout => TimeSpan.FromSeconds(_options.TimeoutSeconds);

    /// <inheritdoc />
    public FilterFailurePolicy? FailurePolicy => _options.FailurePolicy;

    /// <inheritdoc />
    public async Task<ScanResult> ScanAsync(ScanMessage message, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var stream = message.OpenRead();
        var mime = await MimeMessage.LoadAsync(stream, cancellationToken);
        var budget = new ArchiveBudget(_options.MaxArchiveEntries, _options.MaxArchiveOctets);
        var banned = new List<(MimePart Part, string Reason)>();
        foreach (var part in mime.BodyParts.OfType<MimePart>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Check(part, budget) is { } reason)
            {
                banned.Add((part, reason));
            }
        }
        var notes = budget.Notes.Count == 0 ? null : string.Join("; ", budget.Notes.Distinct());
        if (banned.Count == 0)
        {
            return new ScanResult(Name, ScanOutcome.Clean, null, null, [], notes, watch.Elapsed);
        }
        var detail = "banned " + string.Join(", ", banned.Select(b => b.Reason));
        var symbols = banned.Select(b => "BANNED_" + b.Reason[(b.Reason.LastIndexOf(' ') + 1)..].ToUpperInvariant()).Distinct().ToList();
        var result = new ScanResult(Name, ScanOutcome.Spam, null, null, symbols, detail, watch.Elapsed);
        return _options.Action switch
        {
            AttachmentAction.Quarantine => result with { Demand = ScanDemand.Junk },
            AttachmentAction.Strip => result with { Outcome = ScanOutcome.Clean, Edits = Strip(mime, banned) },
            _ => result with { Demand = ScanDemand.Reject, Reply = "554 5.7.1 Error: message content rejected: " + FilterHeaders.Comment(detail) },
        };
    }

    /// <summary>The reason a part is banned (<c>NAME: extension exe</c>, <c>NAME: type application/x-msdownload</c>,
    /// <c>NAME: content pe</c>, <c>NAME/ENTRY: content elf</c>), or null.</summary>
    private string? Check(MimePart part, ArchiveBudget budget)
    {
        var name = Safe(part.FileName ?? part.ContentType.Name ?? "(unnamed)");
        if (_types.Contains(part.ContentType.MimeType))
        {
            return $"{name}: type {part.ContentType.MimeType}";
        }
        if (ExtensionBanned(part.FileName ?? part.ContentType.Name) is { } extension)
        {
            return $"{name}: extension {extension}";
        }
        if (part.Content is null)
        {
            return null;
        }
        var attachment = part.IsAttachment || part.FileName is not null || !part.ContentType.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase);
        if (!attachment)
        {
            return null;
        }
        using var decoded = new MemoryStream();
        using (var content = part.Content.Open())
        {
            // The whole part only when it may be an archive; else the prefix is enough.
            CopyAtMost(content, decoded, ContentSniffer.PrefixOctets);
            var kind = ContentSniffer.Kind(decoded.GetBuffer().AsSpan(0, (int)decoded.Length));
            if (kind != "zip")
            {
                return kind is not null && _content.Contains(kind) ? $"{name}: content {kind}" : null;
            }
            if (!_options.ScanArchives)
            {
                return null;
            }
            if (!CopyAtMost(content, decoded, budget.OctetsLeft))
            {
                budget.Notes.Add($"{name}: archive larger than the inspection limit");
                return null;
            }
        }
        decoded.Position = 0;
        return CheckZip(decoded, name, 1, budget);
    }

    private string? CheckZip(Stream zip, string path, int depth, ArchiveBudget budget)
    {
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }
                if (budget.EntriesLeft-- <= 0)
                {
                    budget.Notes.Add($"{path}: more archive entries than the inspection limit");
                    return null;
                }
                var entryPath = path + "/" + Safe(entry.FullName);
                if (ExtensionBanned(entry.Name) is { } extension)
                {
                    return $"{entryPath}: extension {extension}";
                }
                using var content = entry.Open();
                var data = new MemoryStream();
                CopyAtMost(content, data, ContentSniffer.PrefixOctets);
                budget.Spend(data.Length);
                var kind = ContentSniffer.Kind(data.GetBuffer().AsSpan(0, (int)data.Length));
                if (kind is not null && kind != "zip" && _content.Contains(kind))
                {
                    return $"{entryPath}: content {kind}";
                }
                if (kind != "zip")
                {
                    continue;
                }
                if (depth >= _options.MaxArchiveDepth)
                {
                    budget.Notes.Add($"{entryPath}: archive nested deeper than {_options.MaxArchiveDepth}");
                    continue;
                }
                var before = data.Length;
                if (!CopyAtMost(content, data, budget.OctetsLeft))
                {
                    budget.Notes.Add($"{entryPath}: archive larger than the inspection limit");
                    return null;
                }
                budget.Spend(data.Length - before);
                data.Position = 0;
                if (CheckZip(data, entryPath, depth + 1, budget) is { } inner)
                {
                    return inner;
                }
            }
        }
        catch (InvalidDataException)
        {
            budget.Notes.Add($"{path}: unreadable archive");
        }
        catch (NotSupportedException)
        {
            budget.Notes.Add($"{path}: unreadable archive");
        }
        return null;
    }

    private string? ExtensionBanned(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return null;
        }
        var trimmed = fileName.TrimEnd(' ', '.');
        var dot = trimmed.LastIndexOf('.');
        var extension = dot < 0 ? "" : trimmed[(dot + 1)..];
        return extension.Length > 0 && _extensions.Contains(extension) ? extension.ToLowerInvariant() : null;
    }

    /// <summary>Copies at most <paramref name="limit"/> more octets (plus the one that shows there are more); false when the source had more.</summary>
    private static bool CopyAtMost(Stream source, MemoryStream destination, long limit)
    {
        var buffer = new byte[81920];
        var left = limit;
        while (true)
        {
            var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, Math.Max(left, 0) + 1));
            if (read == 0)
            {
                return true;
            }
            // The octet past the limit is kept: a caller that continues the copy must not lose it.
            destination.Write(buffer, 0, read);
            if (read > left)
            {
                return false;
            }
            left -= read;
        }
    }

    private static string Safe(string name) => FilterHeaders.Comment(name.Replace(';', ' ').Replace(',', ' '));

    /// <summary>The body with every banned part replaced by a note (the top-level header stays as received unless the top part itself was banned).</summary>
    private static List<MessageEdit> Strip(MimeMessage mime, List<(MimePart Part, string Reason)> banned)
    {
        var edits = new List<MessageEdit>();
        foreach (var (part, reason) in banned)
        {
            var note = new TextPart("plain") { Text = $"An attachment was removed by the mail server's attachment policy ({reason}).\r\n" };
            note.ContentDisposition = new ContentDisposition(ContentDisposition.Inline);
            if (ReferenceEquals(mime.Body, part))
            {
                mime.Body = note;
                edits.Add(new MessageEdit(MessageEditKind.ChangeHeader, "Content-Type", "text/plain; charset=utf-8", 1));
                edits.Add(new MessageEdit(MessageEditKind.ChangeHeader, "Content-Transfer-Encoding", "", 1));
                edits.Add(new MessageEdit(MessageEditKind.ChangeHeader, "Content-Disposition", "inline", 1));
                continue;
            }
            foreach (var multipart in mime.Body is null ? [] : AllMultiparts(mime.Body))
            {
                var index = multipart.IndexOf(part);
                if (index >= 0)
                {
                    multipart[index] = note;
                    break;
                }
            }
        }
        using var output = new MemoryStream();
        mime.Body?.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, output, contentOnly: true);
        edits.Add(new MessageEdit(MessageEditKind.ReplaceBody, "", "", 0, output.ToArray()));
        return edits;
    }

    private static IEnumerable<Multipart> AllMultiparts(MimeEntity entity)
    {
        if (entity is Multipart multipart)
        {
            yield return multipart;
            foreach (var child in multipart)
            {
                foreach (var inner in AllMultiparts(child))
                {
                    yield return inner;
                }
            }
        }
        else if (entity is MessagePart { Message.Body: { } body })
        {
            foreach (var inner in AllMultiparts(body))
            {
                yield return inner;
            }
        }
    }

    /// <summary>What is left of the per-message archive limits, and what could not be inspected.</summary>
    private sealed class ArchiveBudget(int entries, long octets)
    {
        public int EntriesLeft { get; set; } = entries;

        public long OctetsLeft { get; private set; } = octets;

        public List<string> Notes { get; } = [];

        public void Spend(long count) => OctetsLeft = Math.Max(0, OctetsLeft - count);
    }
}
