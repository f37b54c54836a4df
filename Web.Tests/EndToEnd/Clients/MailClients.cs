using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Mail.Web.Tests.EndToEnd.Clients;

/// <summary>The SMTP reply one message got, and the DATA payload when the client changed the message (else null).</summary>
public sealed record SendResult(int Code, string Reply, byte[]? Sent = null)
{
    public bool Accepted => Code == 250;
}

/// <summary>A real SMTP client that sends a list of messages in one session.</summary>
public interface IMailSender
{
    string Name { get; }

    /// <summary>Sends every message (in order) from <paramref name="from"/> to <paramref name="to"/>; one reply per message.</summary>
    Task<IReadOnlyList<SendResult>> SendAsync(string host, int port, string from, string to, IReadOnlyList<byte[]> messages, string workDirectory);
}

/// <summary>What a reader got: the messages in mailbox order, and how many header-only messages the client skipped.</summary>
/// <param name="Messages">Every message the client stored, in UID (or POP3 message number) order, CRLF line ends.</param>
/// <param name="SkippedHeaderOnly">Messages the client itself refused because they have no empty line after the header (mbsync).</param>
public sealed record ReaderResult(IReadOnlyList<byte[]> Messages, int SkippedHeaderOnly = 0);

/// <summary>A real IMAP or POP3 client that downloads a whole INBOX in one session.</summary>
public interface IMailboxReader
{
    string Name { get; }

    /// <summary>
    /// What the client is known to store for a message it got as <paramref name="sent"/> when that differs from the
    /// bytes (a client-side rewrite of a malformed message, documented per client), or null when it stores the bytes.
    /// </summary>
    byte[]? ClientRewrite(byte[] sent) => null;

    /// <summary>Every message of the user's INBOX as the client got it.</summary>
    Task<ReaderResult> ReadAsync(ClientTarget endpoints, string user, string password, string workDirectory);
}

/// <summary>Where the server under test listens.</summary>
public sealed record ClientTarget(string Host, int Smtp, int Imap, int Pop3);

/// <summary>python3 smtplib: <c>SMTP.sendmail</c> per message on one connection.</summary>
public sealed class PythonSmtpSender : IMailSender
{
    public string Name => "smtplib";

    public async Task<IReadOnlyList<SendResult>> SendAsync(string host, int port, string from, string to, IReadOnlyList<byte[]> messages, string workDirectory)
    {
        var folder = Path.Combine(workDirectory, "outbox");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < messages.Count; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{i:D6}.eml"), messages[i]);
        }
        var result = await ClientScripts.RunPythonAsync("smtp_send.py", host, port.ToString(CultureInfo.InvariantCulture), from, to, folder);
        var replies = new List<SendResult>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            replies.Add(new SendResult(json.RootElement.GetProperty("code").GetInt32(), json.RootElement.GetProperty("reply").GetString() ?? ""));
        }
        return replies;
    }
}

/// <summary>
/// MailKit <c>SmtpClient</c> (<see cref="AsIsSmtpClient"/>): each message is parsed with <c>MimeMessage.Load</c> and sent
/// without re-encoding. <see cref="SendResult.Sent"/> holds the DATA payload MailKit really wrote (recorded on the
/// socket, dot-stuffing removed), which can differ from the input where MimeKit's writer normalizes a malformed message.
/// </summary>
public sealed class MailKitSmtpSender : IMailSender
{
    private static readonly TimeSpan s_messageTimeout = TimeSpan.FromSeconds(60);

    public string Name => "MailKit SMTP";

    public async Task<IReadOnlyList<SendResult>> SendAsync(string host, int port, string from, string to, IReadOnlyList<byte[]> messages, string workDirectory)
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(host, port);
        var recording = new RecordingStream(socket.GetStream());
        using var client = new AsIsSmtpClient { LocalDomain = "mailkit.client.test", Timeout = 120_000 };
        await client.ConnectAsync(recording, host, port, SecureSocketOptions.None);
        var replies = new List<SendResult>();
        var sender = MailboxAddress.Parse(from);
        MailboxAddress[] recipients = [MailboxAddress.Parse(to)];
        foreach (var bytes in messages)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var message = await MimeMessage.LoadAsync(stream);
            var mark = recording.WrittenLength;
            int code;
            string reply;
            using var timeout = new CancellationTokenSource(s_messageTimeout);
            try
            {
                reply = await client.SendAsync(FormatOptions.Default, message, sender, recipients, timeout.Token);
                code = 250;
            }
            catch (SmtpCommandException e)
            {
                (code, reply) = ((int)e.StatusCode, e.Message);
            }
            catch (OperationCanceledException)
            {
                // The session is stuck; what is left is not sent.
                replies.Add(new SendResult(0, $"no reply to the message within {s_messageTimeout.TotalSeconds} s", RecordingStream.DataPayload(recording.WrittenSince(mark))));
                return replies;
            }
            replies.Add(new SendResult(code, reply, RecordingStream.DataPayload(recording.WrittenSince(mark))));
        }
        await client.DisconnectAsync(quit: true);
        return replies;
    }
}

/// <summary>python3 imaplib: LOGIN, EXAMINE, UID SEARCH, UID FETCH BODY.PEEK[] per message.</summary>
public sealed class PythonImapReader : IMailboxReader
{
    public string Name => "imaplib";

    public async Task<ReaderResult> ReadAsync(ClientTarget endpoints, string user, string password, string workDirectory)
    {
        var folder = Path.Combine(workDirectory, "imaplib");
        await ClientScripts.RunPythonAsync("imap_fetch.py", endpoints.Host, endpoints.Imap.ToString(CultureInfo.InvariantCulture), user, password, folder);
        return new ReaderResult(ClientScripts.ReadFolder(folder));
    }
}

/// <summary>python3 poplib: USER/PASS, STAT, UIDL, RETR per message (no DELE).</summary>
public sealed class PythonPop3Reader : IMailboxReader
{
    public string Name => "poplib";

    public async Task<ReaderResult> ReadAsync(ClientTarget endpoints, string user, string password, string workDirectory)
    {
        var folder = Path.Combine(workDirectory, "poplib");
        await ClientScripts.RunPythonAsync("pop3_fetch.py", endpoints.Host, endpoints.Pop3.ToString(CultureInfo.InvariantCulture), user, password, folder);
        return new ReaderResult(ClientScripts.ReadFolder(folder));
    }
}

/// <summary>MailKit <c>ImapClient</c>: the raw stream of <c>BODY.PEEK[]</c> per UID (<c>GetStreamAsync</c>), no MIME re-writing.</summary>
public sealed class MailKitImapReader : IMailboxReader
{
    public string Name => "MailKit IMAP";

    public async Task<ReaderResult> ReadAsync(ClientTarget endpoints, string user, string password, string workDirectory)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var token = timeout.Token;
        using var client = new ImapClient { Timeout = 120_000 };
        await client.ConnectAsync(endpoints.Host, endpoints.Imap, SecureSocketOptions.None, token);
        await client.AuthenticateAsync(user, password, token);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, token);
        var uids = await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All, token);
        var messages = new List<byte[]>();
        foreach (var uid in uids.OrderBy(u => u.Id))
        {
            await using var stream = await client.Inbox.GetStreamAsync(uid, "", token);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, token);
            messages.Add(buffer.ToArray());
        }
        await client.DisconnectAsync(quit: true, token);
        return new ReaderResult(messages);
    }
}

/// <summary>
/// isync's <c>mbsync</c>: pulls INBOX into a Maildir. mbsync stores Unix line ends in the Maildir; they are turned
/// back into CRLF (the sent messages have no bare LF, so this is exact). Files are ordered by the <c>,U=uid</c> in their names.
/// </summary>
public sealed partial class MbsyncReader : IMailboxReader
{
    public string Name => "mbsync";

    public async Task<ReaderResult> ReadAsync(ClientTarget endpoints, string user, string password, string workDirectory)
    {
        var root = Path.Combine(workDirectory, "mbsync");
        var maildir = Path.Combine(root, "Maildir");
        Directory.CreateDirectory(maildir);
        var config = Path.Combine(root, "mbsyncrc");
        await File.WriteAllTextAsync(config, $"""
            IMAPAccount server
            Host {endpoints.Host}
            Port {endpoints.Imap}
            User {user}
            Pass {password}
            SSLType None
            AuthMechs LOGIN

            IMAPStore far
            Account server

            MaildirStore near
            Path {maildir}/
            Inbox {maildir}/INBOX

            Channel inbox
            Far :far:
            Near :near:
            Patterns INBOX
            Create Near
            Sync Pull
            Expunge None
            SyncState *

            """);
        var run = await ClientScripts.RunToolAsync("mbsync", ["-c", config, "-a"], root);
        var skipped = SkippedPattern().Count(run.StandardOutput + run.StandardError);
        // The ,U= in a Maildir file name is the near side's UID, given in the order mbsync copies the far side's
        // messages (ascending far UID), so it is the mailbox order without the skipped messages.
        var files = Directory.EnumerateFiles(Path.Combine(maildir, "INBOX"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) is "cur" or "new")
            .OrderBy(UidOf)
            .ToList();
        return new ReaderResult([.. files.Select(f => RemoveTuid(ClientScripts.LfToCrlf(File.ReadAllBytes(f))))], skipped);
    }

    // mbsync 1.4 skips a message whose header has no empty line after it ("Warning: message N from far side has
    // incomplete header; skipping."): it must insert its X-TUID header there. It says so on stderr; we count them.

    /// <summary>
    /// Removes the <c>X-TUID: &lt;12 chars&gt;</c> line mbsync inserts as the last header line of every message it copies.
    /// </summary>
    public static byte[] RemoveTuid(byte[] message)
    {
        var end = message.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return message;
        }
        var lineStart = message.AsSpan(0, end).LastIndexOf("\r\n"u8) + 2;
        if (lineStart < 2 || !message.AsSpan(lineStart).StartsWith("X-TUID: "u8))
        {
            return message;
        }
        return [.. message.AsSpan(0, lineStart), .. message.AsSpan(end + 2)];
    }

    private static long UidOf(string file)
    {
        var match = UidPattern().Match(Path.GetFileName(file));
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : long.MaxValue;
    }

    [GeneratedRegex(@",U=(\d+)")]
    private static partial Regex UidPattern();

    [GeneratedRegex(@"message (\d+) from far side has incomplete header; skipping")]
    private static partial Regex SkippedPattern();
}

/// <summary>
/// fetchmail over POP3 (keep, fetchall, invisible: no Received of its own, no rewrite: addresses untouched, bad-header
/// accept: header lines without a colon kept, no TLS) delivering each message to an MDA that writes one file per
/// message. fetchmail hands the MDA Unix line ends; they are turned back into CRLF.
/// </summary>
public sealed class FetchmailReader : IMailboxReader
{
    public string Name => "fetchmail";

    /// <summary>
    /// fetchmail rewrites two kinds of malformed header sections, whatever the options: it drops every header line
    /// that starts with <c>From </c> (an mbox separator line, or <c>From  :</c>), and it ends a header-only message
    /// (no empty line after the header) with that empty line.
    /// </summary>
    public byte[]? ClientRewrite(byte[] sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var end = sent.AsSpan().IndexOf("\r\n\r\n"u8);
        var headerEnd = end < 0 ? sent.Length : end + 2;
        var output = new List<byte>(sent.Length + 2);
        var changed = false;
        for (var start = 0; start < headerEnd;)
        {
            var lf = sent.AsSpan(start, headerEnd - start).IndexOf((byte)'\n');
            var next = lf < 0 ? headerEnd : start + lf + 1;
            if (sent.AsSpan(start).StartsWith("From "u8))
            {
                changed = true;
            }
            else
            {
                output.AddRange(sent.AsSpan(start, next - start));
            }
            start = next;
        }
        if (end < 0)
        {
            output.AddRange("\r\n"u8);
            changed = true;
        }
        else
        {
            output.AddRange(sent.AsSpan(headerEnd));
        }
        return changed ? [.. output] : null;
    }

    public async Task<ReaderResult> ReadAsync(ClientTarget endpoints, string user, string password, string workDirectory)
    {
        var root = Path.Combine(workDirectory, "fetchmail");
        var folder = Path.Combine(root, "messages");
        Directory.CreateDirectory(folder);
        var rc = Path.Combine(root, "fetchmailrc");
        var mda = $"{ClientScripts.Python} {ClientScripts.PathOf("mda_to_folder.py")} {folder}";
        await File.WriteAllTextAsync(rc, $"""
            set no bouncemail
            set invisible
            poll {endpoints.Host} service {endpoints.Pop3} protocol POP3 auth password bad-header accept
                user "{user}" there with password "{password}" is "root" here
                keep fetchall no rewrite sslproto '' mda "{mda}"

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite); // fetchmail refuses a readable rc file
        }
        await ClientScripts.RunToolAsync(
            "fetchmail",
            ["-f", rc, "-i", Path.Combine(root, "fetchids"), "--pidfile", Path.Combine(root, "fetchmail.pid"), "--nosyslog", "--nodetach", "--silent"],
            root,
            // Its lock file goes here instead of $HOME (or /var/run/fetchmail.pid when run as root, as CI does),
            // so concurrent runs never see each other's.
            new Dictionary<string, string> { ["FETCHMAILHOME"] = root });
        return new ReaderResult([.. ClientScripts.ReadFolder(folder).Select(ClientScripts.LfToCrlf)]);
    }
}
