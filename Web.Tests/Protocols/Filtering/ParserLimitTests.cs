using System.Diagnostics;
using System.Text;
using Mail.Protocols.Filtering;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>
/// Parser CPU limits (Dovecot CVE-2024-23184, CVE-2026-27859): messages built to make header and
/// MIME parameter parsing quadratic are scanned, with the real spamd and clamd, in bounded time.
/// spamd gets at most <see cref="SpamdOptions.MaxMessageOctets"/> (truncated), every scanner runs
/// under its timeout, and SMTP-in itself reads only the first 64 KiB of the header.
/// </summary>
/// <remarks>
/// spamd's own CPU time grows with what it is given (512 KiB of address fields: ~4 s of CPU when idle,
/// past 15 s on a loaded 2-core machine), which is not what these tests prove: they give spamd
/// 64 KiB (still a truncation, the messages are 0.3 to 2.6 MB) and generous timeouts, so the bound
/// measures SMTP-in, MimeKit and the scanner plumbing. A quadratic parse of 100,000 fields would take
/// minutes, far beyond <see cref="Bound"/>.
/// </remarks>
public sealed class ParserLimitTests
{
    private const int SpamdOctets = 64 * 1024;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HundredThousandAddressFields_ScannedInBoundedTime()
    {
        var text = new StringBuilder(3_000_000);
        text.Append("From: Bob <bob@remote.example>\r\nSubject: many recipients\r\nDate: Tue, 1 Jul 2025 10:00:00 +0000\r\n");
        for (var i = 0; i < 100_000; i++)
        {
            text.Append("To: user").Append(i).Append("@example.com\r\n");
        }
        // After the flood: SMTP-in's own header lookup must give up at its bound, not walk 2.6 MB.
        text.Append("Message-ID: <late@remote.example>\r\n\r\nhello\r\n");

        await AssertScannedInBoundedTimeAsync(text.ToString());
    }

    [Fact]
    public async Task TenThousandRfc2231Parameters_ScannedInBoundedTime()
    {
        var text = new StringBuilder(1_000_000);
        text.Append("From: Bob <bob@remote.example>\r\nTo: alice@example.com\r\nSubject: parameters\r\n")
            .Append("Date: Tue, 1 Jul 2025 10:00:00 +0000\r\nMessage-ID: <params@remote.example>\r\nMIME-Version: 1.0\r\n")
            .Append("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: application/octet-stream;\r\n");
        for (var i = 0; i < 5_000; i++)
        {
            text.Append("\tname*").Append(i).Append("*=us-ascii''part").Append(i).Append(";\r\n");
        }
        text.Append("\tx=y\r\nContent-Disposition: attachment;\r\n");
        for (var i = 0; i < 5_000; i++)
        {
            text.Append("\tfilename*").Append(i).Append("*=us-ascii''f").Append(i).Append(";\r\n");
        }
        text.Append("\tz=1\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n");

        await AssertScannedInBoundedTimeAsync(text.ToString());
    }

    private static async Task AssertScannedInBoundedTimeAsync(string message)
    {
        Assert.True(message.Length > 4 * SpamdOctets, "the message must be truncated for spamd");
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Filters:Spamd:TimeoutSeconds"] = "50",
            ["Mail:Filters:Spamd:MaxMessageOctets"] = SpamdOctets.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Filters:Clamd:TimeoutSeconds"] = "50",
        });
        var watch = Stopwatch.StartNew();

        var reply = await h.SendAsync(message);

        watch.Stop();
        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
        var id = FilterSmtpHarness.QueueId(reply);
        var record = await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync("alice@example.com", id, CancellationToken.None);
        Assert.NotNull(record);
        Assert.All(record.Checks, c => Assert.Contains(c.Outcome, new[] { ScanOutcome.Clean, ScanOutcome.Spam }));
        Assert.Single((await h.Host.InboxAsync("alice@example.com")).Concat(await h.Host.MailboxAsync("alice@example.com", "Junk")));
    }
}
