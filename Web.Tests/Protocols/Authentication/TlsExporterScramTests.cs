using System.Security.Cryptography;
using Mail.Protocols.Hosting;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// SCRAM-SHA-256-PLUS with the RFC 9266 tls-exporter binding over real sockets, with OpenSSL's own client
/// (<see cref="OpenSslClient"/>) as the independent TLS stack: it prints the keying material of its connection, the
/// test computes the SCRAM messages with it (<see cref="ScramTestClient"/>) and drives IMAP, POP3 and Submission
/// through s_client's stdin/stdout, over STARTTLS and implicit TLS.
/// </summary>
[Collection(MailHostCollection.Name)]
public sealed class TlsExporterScramTests
{
    private const string Plus = "SCRAM-SHA-256-PLUS";
    private readonly MailHostFixture _host;

    public TlsExporterScramTests(MailHostFixture host) => _host = host;

    /// <summary>How one protocol frames AUTHENTICATE/AUTH: the command, which lines are challenges and which end the exchange.</summary>
    private sealed record Dialect(Func<string, string> Command, Func<string, bool> IsChallenge, int DataAt, Func<string, bool> IsFinal);

    private static readonly Dialect Imap = new(m => "A1 AUTHENTICATE " + m, l => l.StartsWith('+'), 2, l => l.StartsWith("A1 ", StringComparison.Ordinal));
    private static readonly Dialect Pop3 = new(m => "AUTH " + m, l => l == "+" || l.StartsWith("+ ", StringComparison.Ordinal), 2, l => l.StartsWith("+OK", StringComparison.Ordinal) || l.StartsWith("-ERR", StringComparison.Ordinal));
    private static readonly Dialect Smtp = new(m => "AUTH " + m, l => l.StartsWith("334", StringComparison.Ordinal), 4, l => l.Length >= 4 && l[3] == ' ' && l[0] is '2' or '4' or '5');

    private byte[] ServerEndPoint => SHA256.HashData(_host.Services.GetRequiredService<TlsCertificateProvider>().Certificate.RawData);

    private static ScramTestClient Alice(string gs2Header, byte[]? data) => new(MailHostFixture.Alice, MailHostFixture.Password, gs2Header, data);

    private static byte[] Flipped(byte[] value)
    {
        var copy = (byte[])value.Clone();
        copy[^1] ^= 0x80;
        return copy;
    }

    /// <summary>Runs one SASL exchange and returns its final line (the tagged reply, <c>+OK</c>/<c>-ERR</c>, <c>235</c>/<c>535</c>).</summary>
    private static async Task<string> AuthenticateAsync(OpenSslClient client, Dialect dialect, string mechanism, ScramTestClient scram)
    {
        bool Next(string line) => dialect.IsChallenge(line) || dialect.IsFinal(line);
        string Data(string line) => line.Length > dialect.DataAt ? line[dialect.DataAt..] : "";

        await client.WriteLineAsync(dialect.Command(mechanism));
        var line = await client.ReadLineAsync(Next);
        if (dialect.IsFinal(line))
        {
            return line;
        }
        await client.WriteLineAsync(scram.ClientFirst());
        line = await client.ReadLineAsync(Next);
        if (dialect.IsFinal(line))
        {
            return line;
        }
        await client.WriteLineAsync(scram.ClientFinal(Data(line)));
        line = await client.ReadLineAsync(Next);
        if (dialect.IsFinal(line))
        {
            return line;
        }
        Assert.True(scram.VerifyServerFinal(Data(line)), client.Transcript);
        await client.WriteLineAsync("");
        return await client.ReadLineAsync(dialect.IsFinal);
    }

    private async Task<OpenSslClient> ImapAsync(bool implicitTls, params string[] extra)
    {
        var client = implicitTls
            ? await OpenSslClient.ConnectAsync(_host.Endpoint(MailEndpoints.ImapTls).Port, null, extra)
            : await OpenSslClient.ConnectAsync(_host.Endpoint(MailEndpoints.Imap).Port, "imap", extra);
        await client.WriteLineAsync("A0 CAPABILITY");
        var capability = await client.ReadLineAsync(l => l.StartsWith("* CAPABILITY ", StringComparison.Ordinal));
        Assert.Contains(" AUTH=" + Plus, capability, StringComparison.Ordinal);
        await client.ReadLineAsync(l => l.StartsWith("A0 OK", StringComparison.Ordinal));
        return client;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Imap_ScramPlus_TlsExporterOfOpenSsl_Authenticates(bool implicitTls)
    {
        await using var client = await ImapAsync(implicitTls);
        var reply = await AuthenticateAsync(client, Imap, Plus, Alice("p=tls-exporter,,", client.Exporter));
        Assert.True(reply.StartsWith("A1 OK", StringComparison.Ordinal), client.Transcript);
        await client.WriteLineAsync("A2 SELECT INBOX");
        Assert.StartsWith("A2 OK", await client.ReadLineAsync(l => l.StartsWith("A2 ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imap_ScramPlus_TlsExporterWithOneOctetFlipped_FailsLikeWrongPassword()
    {
        await using var client = await ImapAsync(implicitTls: true);
        var wrongBinding = await AuthenticateAsync(client, Imap, Plus, Alice("p=tls-exporter,,", Flipped(client.Exporter)));
        var wrongPassword = await AuthenticateAsync(client, Imap, Plus, new ScramTestClient(MailHostFixture.Alice, "wrong", "p=tls-exporter,,", client.Exporter));
        Assert.Equal("A1 NO [AUTHENTICATIONFAILED] Authentication failed", wrongBinding);
        Assert.Equal(wrongPassword, wrongBinding);
    }

    [Fact]
    public async Task Imap_ScramWithFlagY_WhilePlusIsAdvertised_IsRefusedAsDowngrade()
    {
        await using var client = await ImapAsync(implicitTls: false);
        var downgraded = await AuthenticateAsync(client, Imap, "SCRAM-SHA-256", Alice("y,,", null));
        Assert.True(downgraded.StartsWith("A1 NO", StringComparison.Ordinal), client.Transcript);
        // The same client without binding ("n") is fine: the refusal is the downgrade rule, not the password.
        var plain = await AuthenticateAsync(client, Imap, "SCRAM-SHA-256", Alice("n,,", null));
        Assert.True(plain.StartsWith("A1 OK", StringComparison.Ordinal), client.Transcript);
    }

    [Fact]
    public async Task Imap_ScramPlus_TlsServerEndPoint_IsStillAccepted_TlsUniqueIsNot()
    {
        await using var client = await ImapAsync(implicitTls: true);
        var unique = await AuthenticateAsync(client, Imap, Plus, Alice("p=tls-unique,,", client.Exporter));
        Assert.True(unique.StartsWith("A1 NO", StringComparison.Ordinal), client.Transcript);
        var endPoint = await AuthenticateAsync(client, Imap, Plus, Alice("p=tls-server-end-point,,", ServerEndPoint));
        Assert.True(endPoint.StartsWith("A1 OK", StringComparison.Ordinal), client.Transcript);
    }

    [Fact]
    public async Task Imap_Tls12_HasNoTlsExporter_ButServerEndPointWorks()
    {
        // TLS 1.2: no tls-exporter (RFC 9266 §3 renegotiation rule, context ambiguity); -PLUS stays advertised for tls-server-end-point.
        await using var client = await ImapAsync(implicitTls: true, "-tls1_2");
        var exporter = await AuthenticateAsync(client, Imap, Plus, Alice("p=tls-exporter,,", client.Exporter));
        Assert.True(exporter.StartsWith("A1 NO", StringComparison.Ordinal), client.Transcript);
        var endPoint = await AuthenticateAsync(client, Imap, Plus, Alice("p=tls-server-end-point,,", ServerEndPoint));
        Assert.True(endPoint.StartsWith("A1 OK", StringComparison.Ordinal), client.Transcript);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Submission_ScramPlus_TlsExporterOfOpenSsl_Authenticates_FlippedFails(bool implicitTls)
    {
        await using var client = implicitTls
            ? await OpenSslClient.ConnectAsync(_host.Endpoint(MailEndpoints.SubmissionTls).Port, null)
            : await OpenSslClient.ConnectAsync(_host.Endpoint(MailEndpoints.Submission).Port, "smtp");
        var ehlo = new List<string>();
        await client.WriteLineAsync("EHLO client.example");
        await client.ReadLineAsync(l =>
        {
            ehlo.Add(l);
            return l.StartsWith("250 ", StringComparison.Ordinal);
        });
        Assert.Contains(ehlo, l => l.StartsWith("250-AUTH ", StringComparison.Ordinal) && l.Contains(Plus, StringComparison.Ordinal));

        var wrong = await AuthenticateAsync(client, Smtp, Plus, Alice("p=tls-exporter,,", Flipped(client.Exporter)));
        Assert.True(wrong.StartsWith("535 ", StringComparison.Ordinal), client.Transcript);
        var downgraded = await AuthenticateAsync(client, Smtp, "SCRAM-SHA-256", Alice("y,,", null));
        Assert.True(downgraded.StartsWith("535 ", StringComparison.Ordinal), client.Transcript);
        var right = await AuthenticateAsync(client, Smtp, Plus, Alice("p=tls-exporter,,", client.Exporter));
        Assert.True(right.StartsWith("235 ", StringComparison.Ordinal), client.Transcript);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pop3_ScramPlus_TlsExporterOfOpenSsl_Authenticates_FlippedFails(bool implicitTls)
    {
        await using var client = implicitTls
            ? await OpenSslClient.ConnectAsync(_host.Endpoint(MailEndpoints.Pop3Tls).Port, null)
            : await OpenSslClient.ConnectAsync(_host.Endpoint(MailEndpoints.Pop3).Port, "pop3");
        await client.WriteLineAsync("CAPA");
        var sasl = await client.ReadLineAsync(l => l.StartsWith("SASL ", StringComparison.Ordinal));
        Assert.Contains(Plus, sasl, StringComparison.Ordinal);
        await client.ReadLineAsync(l => l == ".");

        var wrong = await AuthenticateAsync(client, Pop3, Plus, new ScramTestClient(MailHostFixture.Bob, MailHostFixture.Password, "p=tls-exporter,,", Flipped(client.Exporter)));
        Assert.True(wrong.StartsWith("-ERR [AUTH]", StringComparison.Ordinal), client.Transcript);
        var right = await AuthenticateAsync(client, Pop3, Plus, new ScramTestClient(MailHostFixture.Bob, MailHostFixture.Password, "p=tls-exporter,,", client.Exporter));
        Assert.True(right.StartsWith("+OK", StringComparison.Ordinal), client.Transcript);
    }
}
