using System.Diagnostics;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap.Acl;

/// <summary>python3 imaplib's ACL methods (setacl, getacl, myrights, deleteacl) and a grantee reading a corpus message.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SharedMailboxImaplibTests(ImapHostFixture host)
{
    private const string Script = """
import imaplib, sys
host, port, owner, grantee, stranger, password, box = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
message = open(sys.argv[8], 'rb').read()
o = imaplib.IMAP4(host, port)
o.login(owner, password)
typ, _ = o.create(box); assert typ == 'OK', typ
typ, data = o.append(box, None, None, message); assert typ == 'OK', data
typ, data = o.setacl(box, grantee, 'lrs'); assert typ == 'OK', data
typ, data = o.setacl(box, stranger, 'lr'); assert typ == 'NO' and data[0].startswith(b'[CANNOT]'), (typ, data)
typ, data = o.getacl(box); assert typ == 'OK' and data[0] == ('"%s" %s lrswipkxteacd %s lrs' % (box, owner, grantee)).encode(), data

g = imaplib.IMAP4(host, port)
g.login(grantee, password)
typ, data = g.namespace(); assert data == [b'(("" "/")) (("Other Users/" "/")) NIL'], data
shared = '"Other Users/%s/%s"' % (owner, box)
typ, data = g.myrights(shared); assert typ == 'OK' and data[0].endswith(b' lrs'), data
typ, data = g.list('""', '"Other Users/*"'); assert typ == 'OK' and any(box.encode() in l for l in data), data
typ, data = g.select(shared); assert typ == 'OK' and data[0] == b'1', data
typ, data = g.fetch('1', '(BODY[])'); assert typ == 'OK' and data[0][1] == message, 'BODY[] differs'
typ, data = g.fetch('1', '(FLAGS)'); assert b'\\Seen' in data[0], data
typ, data = g.store('1', '+FLAGS', '\\Deleted'); assert typ == 'NO' and data[0].startswith(b'[NOPERM]'), (typ, data)
typ, data = g.append(shared, None, None, message); assert typ == 'NO' and data[0].startswith(b'[NOPERM]'), (typ, data)
g.logout()

typ, data = o.deleteacl(box, grantee); assert typ == 'OK', data
g = imaplib.IMAP4(host, port)
g.login(grantee, password)
typ, data = g.select(shared); assert typ == 'NO', data
g.logout()
o.logout()
print('imaplib acl ok')
""";

    [Fact]
    public async Task Imaplib_SetAclGetAclMyRights_GranteeReadsSharedCorpusMessage()
    {
        var endpoint = host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap);
        var owner = await AclTestUsers.AddAsync(host);
        var grantee = await AclTestUsers.AddAsync(host);
        var stranger = await AclTestUsers.AddAsync(host, "acl" + Guid.NewGuid().ToString("N")[..6] + ".test");
        var dir = Directory.CreateTempSubdirectory("imaplib-acl");
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
            foreach (var arg in new[] { script, endpoint.Address.ToString(), endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), owner, grantee, stranger, MailHostFixture.Password, ImapTranscript.Unique("Py"), message })
            {
                start.ArgumentList.Add(arg);
            }
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(cts.Token);
            Assert.True(process.ExitCode == 0, await stderr + await stdout);
            Assert.Equal("imaplib acl ok", (await stdout).Trim());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
