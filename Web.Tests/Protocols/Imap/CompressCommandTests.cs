using System.IO.Compression;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Mail.Protocols.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>COMPRESS=DEFLATE (RFC 4978) with a raw DEFLATE client and with MailKit, in plaintext and after STARTTLS.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class CompressCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Compress_SwitchesBothDirectionsToRawDeflate_FlushingEachResponse()
    {
        var mailbox = ImapTranscript.Unique("Z");
        await using var c = await ImapTranscript.MailboxWithAsync(host, mailbox, ImapTestMessages.Simple("squeeze"), ImapTestMessages.Multipart);
        Assert.Contains(" COMPRESS=DEFLATE", (await c.CommandAsync("c0 CAPABILITY"))[0], StringComparison.Ordinal);
        Assert.Equal(["c1 BAD Unknown compression mechanism"], await c.CommandAsync("c1 COMPRESS LZW"));
        Assert.Equal(["c2 OK DEFLATE active"], await c.CommandAsync("c2 COMPRESS DEFLATE"));
        c.WrapStream(s => new ClientDeflate(s));
        Assert.Equal(["n1 OK NOOP completed"], await c.CommandAsync("n1 NOOP"));
        var fetch = await c.CommandAsync("f1 FETCH 1:2 (BODY.PEEK[] FLAGS)");
        Assert.Equal(3, fetch.Count);
        Assert.Contains("Subject: squeeze", fetch[0], StringComparison.Ordinal);
        Assert.Contains("inner body", fetch[1], StringComparison.Ordinal);
        Assert.Equal(["* SEARCH 1", "s1 OK SEARCH completed"], await c.CommandAsync("s1 SEARCH SUBJECT squeeze"));
        Assert.Equal(["c3 NO [COMPRESSIONACTIVE] DEFLATE is already active"], await c.CommandAsync("c3 COMPRESS DEFLATE"));
        var logout = await c.CommandAsync("l1 LOGOUT");
        Assert.StartsWith("* BYE", logout[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compress_BeforeLogin_IsRefused()
    {
        await using var c = await host.ConnectAsync();
        Assert.Equal(["c1 BAD Log in first"], await c.CommandAsync("c1 COMPRESS DEFLATE"));
    }

    [Theory]
    [InlineData(SecureSocketOptions.None)]
    [InlineData(SecureSocketOptions.StartTls)]
    public async Task MailKit_CompressedSession_AppendsSearchesAndFetches(SecureSocketOptions security)
    {
        using var client = new ImapClient();
        var endpoint = host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap);
        client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == host.Services.GetRequiredService<TlsCertificateProvider>().Certificate.GetCertHashString();
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, security);
        await client.AuthenticateAsync(MailHostFixture.Bob, MailHostFixture.Password);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Compress));
        await client.CompressAsync();

        var name = ImapTranscript.Unique("MkZ");
        var folder = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(name, true) ?? throw new InvalidOperationException("CREATE failed");
        var body = string.Join("\r\n", Enumerable.Range(0, 2000).Select(i => $"line {i} of a long compressible body"));
        var message = new MimeMessage { Subject = "compressed " + security };
        message.From.Add(new MailboxAddress("Bob", MailHostFixture.Bob));
        message.To.Add(new MailboxAddress("Alice", MailHostFixture.Alice));
        message.Body = new TextPart("plain") { Text = body + "\r\nneedle-in-haystack\r\n" };
        var uid = await folder.AppendAsync(message);
        Assert.NotNull(uid);
        await folder.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal([uid.Value], await folder.SearchAsync(SearchQuery.BodyContains("needle-in-haystack")));
        var fetched = await folder.GetMessageAsync(uid.Value);
        Assert.Equal("compressed " + security, fetched.Subject);
        Assert.Contains("line 1999 of a long compressible body", fetched.TextBody, StringComparison.Ordinal);
        await folder.AddFlagsAsync(uid.Value, MessageFlags.Flagged, true);
        Assert.Equal([uid.Value], await folder.SearchAsync(SearchQuery.Flagged));
        await client.DisconnectAsync(true);
    }

    /// <summary>The client side of RFC 4978: raw DEFLATE both ways, a sync flush after each command.</summary>
    private sealed class ClientDeflate(Stream inner) : Stream
    {
        private readonly DeflateStream _in = new(inner, CompressionMode.Decompress, leaveOpen: true);
        private readonly DeflateStream _out = new(inner, CompressionLevel.Optimal, leaveOpen: true);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _in.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _in.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => _out.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _out.WriteAsync(buffer, cancellationToken);

        public override void Flush() => _out.Flush();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await _out.FlushAsync(cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _in.Dispose();
                try
                {
                    _out.Dispose();
                }
                catch (IOException)
                {
                    // The server may already have closed after LOGOUT.
                }
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
