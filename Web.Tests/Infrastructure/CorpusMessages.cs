using MimeKit;

namespace Mail.Web.Tests.Infrastructure;

/// <summary>One message of the shared corpus, ready for SMTP.</summary>
/// <param name="Name">Corpus-relative file name, with <c>#n</c> (1-based) for the n-th message of an mbox file.</param>
/// <param name="Bytes">The message with every line end CRLF and ending in CRLF: the exact bytes a mailbox must give back.</param>
public sealed record CorpusMessage(string Name, byte[] Bytes)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every message in <c>../shared/corpus</c>, normalized for SMTP.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Every file in a corpus folder is a message except the folders' <c>SOURCES.md</c> and dot files.</item>
/// <item>Line ends: a bare CR and a bare LF each become CRLF (a CRLF stays); SMTP carries nothing else
/// (RFC 5321 §2.3.8), and our server refuses bare CR/LF in DATA.</item>
/// <item>A message that does not end in CRLF gets one: the CRLF before the final <c>.</c> of DATA ends the
/// last line (RFC 5321 §4.1.1.4), so every client adds it and the stored message has it.</item>
/// <item>An <c>.mbox</c> file is split into its messages (MimeKit's mbox parser, honouring Content-Length),
/// and the <c>From </c> separator lines are dropped; <c>&gt;From </c> lines stay as they are (no
/// mboxrd un-quoting, which cannot be told from mboxo). Each part is one message, named <c>file#n</c>.</item>
/// </list>
/// </remarks>
public static class CorpusMessages
{
    private static readonly Lazy<IReadOnlyList<CorpusMessage>> s_all = new(Load);

    /// <summary>All corpus messages, in a stable order (ordinal by name).</summary>
    public static IReadOnlyList<CorpusMessage> All => s_all.Value;

    /// <summary>Line ends normalized to CRLF and a final CRLF ensured.</summary>
    public static byte[] Normalize(ReadOnlySpan<byte> raw)
    {
        var output = new List<byte>(raw.Length + raw.Length / 32 + 2);
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == '\r')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
                if (i + 1 < raw.Length && raw[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (b == '\n')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
            }
            else
            {
                output.Add(b);
            }
        }
        if (output.Count < 2 || output[^2] != '\r' || output[^1] != '\n')
        {
            output.Add((byte)'\r');
            output.Add((byte)'\n');
        }
        return [.. output];
    }

    private static List<CorpusMessage> Load()
    {
        var root = TestPaths.Corpus;
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException("The shared corpus is missing at " + root);
        }
        var messages = new List<CorpusMessage>();
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => f.Contains('/', StringComparison.Ordinal)
                && !Path.GetFileName(f).StartsWith('.')
                && !Path.GetFileName(f).Equals("SOURCES.md", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var name in files)
        {
            var normalized = Normalize(File.ReadAllBytes(Path.Combine(root, name)));
            if (name.EndsWith(".mbox", StringComparison.OrdinalIgnoreCase))
            {
                var parts = SplitMbox(normalized);
                for (var i = 0; i < parts.Count; i++)
                {
                    messages.Add(new CorpusMessage($"{name}#{i + 1}", Normalize(parts[i])));
                }
            }
            else
            {
                messages.Add(new CorpusMessage(name, normalized));
            }
        }
        return messages;
    }

    /// <summary>Byte ranges of the top-level messages of an mbox, without their <c>From </c> lines.</summary>
    private static List<byte[]> SplitMbox(byte[] mbox)
    {
        var ranges = new List<(long Begin, long End)>();
        using var stream = new MemoryStream(mbox, writable: false);
        var options = ParserOptions.Default.Clone();
        options.RespectContentLength = true;
        var parser = new MimeParser(options, stream, MimeFormat.Mbox);
        long begin = -1;
        parser.MimeMessageBegin += (_, e) =>
        {
            if (e.Parent is null)
            {
                begin = e.BeginOffset;
            }
        };
        parser.MimeMessageEnd += (_, e) =>
        {
            if (e.Parent is null)
            {
                ranges.Add((begin, e.EndOffset));
            }
        };
        while (!parser.IsEndOfStream)
        {
            using var message = parser.ParseMessage();
        }
        return [.. ranges.Select(r => mbox.AsSpan((int)r.Begin, (int)(r.End - r.Begin)).ToArray())];
    }
}
