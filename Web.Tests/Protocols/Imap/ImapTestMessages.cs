using System.Text;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>Messages for the transcripts and the corpus location.</summary>
public static class ImapTestMessages
{
    /// <summary>A simple text message.</summary>
    public static string Simple(string subject = "Hello") =>
        "From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\nDate: Mon, 7 Feb 2022 10:00:00 +0000\r\nMessage-ID: <m1@example.com>\r\n\r\nHello world\r\nsecond line\r\n";

    /// <summary>A multipart message with a nested message/rfc822 part.</summary>
    public const string Multipart =
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: multi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n" +
        "preamble\r\n--BB\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfirst part\r\n--BB\r\nContent-Type: message/rfc822\r\n\r\n" +
        "Subject: inner\r\nFrom: c@example.com\r\n\r\ninner body\r\n--BB\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"x.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--BB--\r\nepilogue\r\n";

    /// <summary>The APPEND command text for <paramref name="message"/> with a synchronizing literal split by the caller, or LITERAL+.</summary>
    public static string AppendPlus(string tag, string mailbox, string message, string flags = "") =>
        $"{tag} APPEND {mailbox} {(flags.Length > 0 ? "(" + flags + ") " : "")}{{{Encoding.UTF8.GetByteCount(message)}+}}\r\n{message}\r\n";

    /// <summary>The corpus folder (../shared/corpus relative to the repository root).</summary>
    public static string CorpusPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Webmail.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var repoRoot = dir.FullName;
        var corpus = Path.Combine(repoRoot, "..", "shared", "corpus");
        if (!Directory.Exists(corpus))
        {
            corpus = "/work/shared/corpus";
        }
        return Path.GetFullPath(corpus);
    }

    /// <summary>Every corpus message, line ends normalized to CRLF (bare CR and bare LF each become CRLF).</summary>
    public static IEnumerable<(string Name, byte[] Octets)> Corpus()
    {
        var root = CorpusPath();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || file.Contains("/mbox", StringComparison.Ordinal))
            {
                continue;
            }
            yield return (Path.GetRelativePath(root, file), Normalize(File.ReadAllBytes(file)));
        }
    }

    /// <summary>Bare CR and bare LF become CRLF.</summary>
    public static byte[] Normalize(byte[] input)
    {
        var output = new List<byte>(input.Length + 64);
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (b == '\r')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
                if (i + 1 < input.Length && input[i + 1] == '\n')
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
        return [.. output];
    }
}
