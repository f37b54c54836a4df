using System.Text;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Smtp;
using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Pop3;

/// <summary>Real POP3 clients against the whole host (<see cref="MailHostFixture"/>): SMTP in → store → POP3, byte-exact.</summary>
[Collection(MailHostCollection.Name)]
public sealed class Pop3RealClientTests
{
    private readonly MailHostFixture _host;

    public Pop3RealClientTests(MailHostFixture host) => _host = host;

    private static byte[] Sample(string marker, int longLine = 2500) => Encoding.UTF8.GetBytes(
        $"From: Sender <sender@remote.example>\r\nTo: bob@example.com\r\nSubject: pop {marker}\r\nMessage-ID: <{marker}@remote.example>\r\n\r\n" +
        ".dot first\r\nGrüße\r\n" + new string('w', longLine) + "\r\n..\r\nlast\r\n");

    /// <summary>Sends through SMTP in with python3 smtplib (so the stored copy carries the trace fields).</summary>
    private async Task SendAsync(byte[] message)
    {
        var port = _host.Endpoint(MailEndpoints.SmtpIn).Port;
        var script = $"import smtplib,sys\ns=smtplib.SMTP('127.0.0.1',{port},timeout=20)\ns.sendmail('sender@remote.example',['bob@example.com'],sys.stdin.buffer.read())\ns.quit()\n";
        var (exit, output) = await SmtpRealClientTests.RunPythonAsync(script, message);
        Assert.True(exit == 0, output);
    }

    private async Task<byte[]> StoredAsync(string marker)
    {
        var store = await _host.Services.GetRequiredService<IMailStore>().OpenAccountAsync(MailHostFixture.Bob, CancellationToken.None);
        var inbox = await store.GetMailboxAsync("INBOX", CancellationToken.None);
        foreach (var record in await store.GetMessagesAsync(inbox!.Id, CancellationToken.None))
        {
            await using var stream = await store.OpenMessageAsync(inbox.Id, record.Uid, CancellationToken.None);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            if (Encoding.Latin1.GetString(copy.ToArray()).Contains(marker, StringComparison.Ordinal))
            {
                return copy.ToArray();
            }
        }
        throw new Xunit.Sdk.XunitException("not stored: " + marker);
    }

    [Fact]
    public async Task PythonPoplib_RetrievesMessage_ByteExact()
    {
        var marker = Guid.NewGuid().ToString("N");
        // poplib refuses lines over 2048 octets (its _MAXLINE), so the long line stays below that here.
        var message = Sample(marker, longLine: 1500);
        await SendAsync(message);
        var stored = await StoredAsync(marker);
        Assert.Equal(message, SmtpTestBase.WithoutTrace(stored));

        var port = _host.Endpoint(MailEndpoints.Pop3).Port;
        var script = "import poplib,sys\n" +
                     $"p=poplib.POP3('127.0.0.1',{port},timeout=20)\n" +
                     "p.stls()\n" +
                     "p.user('bob@example.com')\np.pass_('password')\n" +
                     "resp,listing,_=p.uidl()\n" +
                     "for entry in listing:\n" +
                     "  n=int(entry.split()[0])\n" +
                     "  resp,lines,octets=p.retr(n)\n" +
                     "  data=b'\\r\\n'.join(lines)+b'\\r\\n'\n" +
                     $"  if b'{marker}' in data:\n" +
                     "    sys.stdout.buffer.write(data)\n" +
                     "p.quit()\n";
        var (exit, output) = await RunPythonBytesAsync(script);
        Assert.True(exit == 0, Encoding.UTF8.GetString(output));
        // poplib removes the dot-stuffing and the CRLFs; every line of our message ends in CRLF, so joining restores it.
        Assert.Equal(stored, output);
    }

    [Fact]
    public async Task MailKitPop3Client_RetrievesAndDeletes()
    {
        var marker = Guid.NewGuid().ToString("N");
        await SendAsync(Sample(marker));
        var stored = await StoredAsync(marker);

        using var client = new Pop3Client();
#pragma warning disable CA5359
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        var endpoint = _host.Endpoint(MailEndpoints.Pop3);
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.StartTls);
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.UIDL));
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.Top));
        await client.AuthenticateAsync(MailHostFixture.Bob, MailHostFixture.Password);
        var uids = await client.GetMessageUidsAsync();
        var index = -1;
        for (var i = 0; i < client.Count; i++)
        {
            using var raw = await client.GetStreamAsync(i);
            using var copy = new MemoryStream();
            await raw.CopyToAsync(copy);
            if (copy.ToArray().AsSpan().SequenceEqual(stored))
            {
                index = i;
            }
        }
        Assert.True(index >= 0, "message not found byte-exact over POP3");
        await client.DeleteMessageAsync(index);
        await client.DisconnectAsync(quit: true);

        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(MailHostFixture.Bob, MailHostFixture.Password);
        Assert.DoesNotContain(uids[index], await client.GetMessageUidsAsync());
        await client.DisconnectAsync(quit: true);
    }

    private static async Task<(int Exit, byte[] Output)> RunPythonBytesAsync(string script)
    {
        var start = new System.Diagnostics.ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = System.Diagnostics.Process.Start(start)!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        await copy;
        var error = await stderr;
        return (process.ExitCode, process.ExitCode == 0 ? stdout.ToArray() : Encoding.UTF8.GetBytes(error));
    }
}
