using System.Diagnostics;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>python3 imaplib (a real client from Debian) against the server.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class PythonImaplibTests(ImapHostFixture host)
{
    private const string Script = """
import imaplib, ssl, sys
host, port, user, password, box = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
message = open(sys.argv[6], 'rb').read()
m = imaplib.IMAP4(host, port)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
m.starttls(ctx)
m.login(user, password)
typ, _ = m.create(box); assert typ == 'OK', typ
typ, data = m.append(box, '(\\Flagged)', None, message); assert typ == 'OK', data
typ, data = m.select(box); assert typ == 'OK' and data[0] == b'1', data
typ, data = m.uid('FETCH', '1', '(BODY.PEEK[] FLAGS)'); assert typ == 'OK', data
assert data[0][1] == message, 'BODY[] differs'
assert b'\\Flagged' in data[1], data[1]
typ, data = m.search(None, 'FLAGGED'); assert data == [b'1'], data
typ, data = m.list('""', '*'); assert typ == 'OK' and any(b'INBOX' in l for l in data), data
m.store('1', '+FLAGS', '\\Deleted')
typ, data = m.expunge(); assert data == [b'1'], data
m.logout()
print('imaplib ok')
""";

    [Fact]
    public async Task Imaplib_StartTlsLoginAppendFetchSearchExpunge_Works()
    {
        var endpoint = host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap);
        var dir = Directory.CreateTempSubdirectory("imaplib");
        try
        {
            var script = Path.Combine(dir.FullName, "client.py");
            var message = Path.Combine(dir.FullName, "message.eml");
            await File.WriteAllTextAsync(script, Script);
            var corpus = ImapTestMessages.Corpus().First(c => c.Name.StartsWith("ham", StringComparison.Ordinal));
            await File.WriteAllBytesAsync(message, corpus.Octets);
            var start = new ProcessStartInfo("python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { script, endpoint.Address.ToString(), endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), MailHostFixture.Alice, MailHostFixture.Password, ImapTranscript.Unique("Py"), message })
            {
                start.ArgumentList.Add(arg);
            }
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(cts.Token);
            Assert.True(process.ExitCode == 0, await stderr);
            Assert.Equal("imaplib ok", (await stdout).Trim());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
