using System.Diagnostics;
using System.Text;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mail.Web.Tests.Protocols.Smtp;

/// <summary>Real SMTP clients against the whole host (<see cref="MailHostFixture"/>, SQL directory, real store).</summary>
[Collection(MailHostCollection.Name)]
public sealed class SmtpRealClientTests
{
    private readonly MailHostFixture _host;

    public SmtpRealClientTests(MailHostFixture host) => _host = host;

    /// <summary>The stored message (minus trace fields) whose octets contain <paramref name="marker"/>.</summary>
    private async Task<byte[]> FindStoredAsync(string account, string marker)
    {
        var store = await _host.Services.GetRequiredService<IMailStore>().OpenAccountAsync(account, CancellationToken.None);
        var inbox = await store.GetMailboxAsync("INBOX", CancellationToken.None);
        foreach (var record in await store.GetMessagesAsync(inbox!.Id, CancellationToken.None))
        {
            await using var stream = await store.OpenMessageAsync(inbox.Id, record.Uid, CancellationToken.None);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            if (Encoding.Latin1.GetString(copy.ToArray()).Contains(marker, StringComparison.Ordinal))
            {
                return SmtpTestBase.WithoutTrace(copy.ToArray());
            }
        }
        throw new Xunit.Sdk.XunitException($"no stored message contains {marker}");
    }

    [Fact]
    public async Task PythonSmtplib_SendsMessage_StoredByteExact()
    {
        var marker = Guid.NewGuid().ToString("N");
        var message = Encoding.UTF8.GetBytes(
            $"From: Sender <sender@remote.example>\r\nTo: alice@example.com\r\nSubject: smtplib {marker}\r\nMessage-ID: <{marker}@remote.example>\r\n\r\n" +
            ".leading dot line\r\nGrüße, 8-bit without BODY=8BITMIME\r\n" + new string('L', 3000) + "\r\n");
        var port = _host.Endpoint(MailEndpoints.SmtpIn).Port;
        var script = "import smtplib,sys\n" +
                     $"s=smtplib.SMTP('127.0.0.1',{port},timeout=20)\n" +
                     "s.ehlo('python.example')\n" +
                     "s.starttls()\n" +
                     "s.ehlo('python.example')\n" +
                     "r=s.sendmail('sender@remote.example',['alice@example.com'],sys.stdin.buffer.read())\n" +
                     "s.quit()\nprint('sent',r)\n";
        var (exit, output) = await RunPythonAsync(script, message);
        Assert.True(exit == 0, output);
        Assert.Equal(message, await FindStoredAsync(MailHostFixture.Alice, marker));
    }

    [Fact]
    public async Task PythonSmtplib_UnknownRecipient_IsRefused()
    {
        var port = _host.Endpoint(MailEndpoints.SmtpIn).Port;
        var script = "import smtplib\n" +
                     $"s=smtplib.SMTP('127.0.0.1',{port},timeout=20)\n" +
                     "try:\n  s.sendmail('a@remote.example',['nobody@example.com'],b'Subject: x\\r\\n\\r\\nx\\r\\n')\n" +
                     "except smtplib.SMTPRecipientsRefused as e:\n  print('refused', e.recipients['nobody@example.com'][0])\n";
        var (exit, output) = await RunPythonAsync(script, []);
        Assert.True(exit == 0, output);
        Assert.Contains("refused 550", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailKit_SendsWithStartTls_StoredByteExact()
    {
        var marker = Guid.NewGuid().ToString("N");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@remote.example"));
        message.To.Add(new MailboxAddress("Alice", MailHostFixture.Alice));
        message.To.Add(new MailboxAddress("Bob", MailHostFixture.Bob));
        message.Subject = "MailKit " + marker;
        message.MessageId = marker + "@remote.example";
        message.Body = new TextPart("plain") { Text = "Hello from MailKit.\r\n.dot line\r\n" };

        using var client = new SmtpClient();
        // The host's certificate is the self-signed one generated under the temp data path.
#pragma warning disable CA5359
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        var endpoint = _host.Endpoint(MailEndpoints.SmtpIn);
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.StartTls);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.EnhancedStatusCodes));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.UTF8));
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);

        using var expected = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        await message.WriteToAsync(format, expected);
        Assert.Equal(expected.ToArray(), await FindStoredAsync(MailHostFixture.Alice, marker));
        Assert.Equal(expected.ToArray(), await FindStoredAsync(MailHostFixture.Bob, marker));
    }

    [Fact]
    public async Task MailKit_RelayAttempt_Throws554()
    {
        using var client = new SmtpClient();
        var endpoint = _host.Endpoint(MailEndpoints.SmtpIn);
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("a@remote.example"));
        message.To.Add(MailboxAddress.Parse("victim@elsewhere.example"));
        message.Subject = "relay";
        message.Body = new TextPart("plain") { Text = "x" };
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        Assert.Equal(SmtpStatusCode.TransactionFailed, error.StatusCode);
    }

    internal static async Task<(int Exit, string Output)> RunPythonAsync(string script, byte[] stdin)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
