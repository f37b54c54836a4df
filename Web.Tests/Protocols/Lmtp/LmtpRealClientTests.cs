using System.Text;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Smtp;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace Mail.Web.Tests.Protocols.Lmtp;

/// <summary>A real LMTP client (python3 smtplib.LMTP) delivering corpus messages, read back over IMAP (MailKit) byte-exact.</summary>
[Collection(MailHostCollection.Name)]
public sealed class LmtpRealClientTests(MailHostFixture host)
{
    [Fact]
    public async Task PythonSmtplibLmtp_DeliversCorpusMessages_ImapReturnsThemByteExact()
    {
        var corpus = CorpusMessages.All.Where(m => m.Bytes.Length is > 2_000 and < 200_000).Take(5).ToList();
        Assert.NotEmpty(corpus);
        var marker = Guid.NewGuid().ToString("N");
        // A first header field carries the marker (and the index) so IMAP SEARCH finds each copy.
        var messages = corpus.Select((m, i) => Encoding.ASCII.GetBytes($"X-Lmtp-Test: {marker} {i}\r\n").Concat(m.Bytes).ToArray()).ToList();
        var port = host.Endpoint(MailEndpoints.Lmtp).Port;
        var script =
            "import smtplib,sys,struct\n" +
            $"s=smtplib.LMTP('127.0.0.1',{port},timeout=30)\n" +
            "data=sys.stdin.buffer.read()\n" +
            "while data:\n" +
            "  n=struct.unpack('>I',data[:4])[0]; msg=data[4:4+n]; data=data[4+n:]\n" +
            "  refused=s.sendmail('sender@remote.example',['alice@example.com'],msg)\n" +
            "  assert not refused, refused\n" +
            "s.quit()\nprint('ok')\n";
        var input = messages.SelectMany(m => BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(m.Length)).Concat(m)).ToArray();
        var (exit, output) = await SmtpRealClientTests.RunPythonAsync(script, input);
        Assert.True(exit == 0, output);

        using var imap = new ImapClient { Timeout = 60_000 };
        var endpoint = host.Endpoint(MailEndpoints.Imap);
        await imap.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(MailHostFixture.Alice, MailHostFixture.Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        for (var i = 0; i < messages.Count; i++)
        {
            var uids = await imap.Inbox.SearchAsync(SearchQuery.HeaderContains("X-Lmtp-Test", $"{marker} {i}"));
            var uid = Assert.Single(uids);
            await using var stream = await imap.Inbox.GetStreamAsync(uid, "");
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            var fetched = copy.ToArray();
            Assert.StartsWith("Return-Path: <sender@remote.example>\r\nReceived: from ", Encoding.Latin1.GetString(fetched), StringComparison.Ordinal);
            Assert.True(messages[i].AsSpan().SequenceEqual(SmtpTestBase.WithoutTrace(fetched)), corpus[i].Name);
        }
        await imap.DisconnectAsync(quit: true);
    }
}
