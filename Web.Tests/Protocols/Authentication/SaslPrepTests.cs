using System.Net;
using System.Text;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Imap;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// SASLprep (RFC 4013) of user names and passwords: a password typed with a no-break space and a compatibility
/// character (<c>"pass\u00A0Ⅸ"</c>) authenticates like its prepared form <c>"pass IX"</c> with IMAP LOGIN, AUTHENTICATE
/// PLAIN, LOGIN and SCRAM-SHA-256; input with prohibited characters gets exactly the wrong-password reply.
/// </summary>
[Collection(MailHostCollection.Name)]
public sealed class SaslPrepTests(MailHostFixture host)
{
    private const string Prepared = "pass IX";
    private const string Unprepared = "pass\u00A0\u2168";
    private const string Failed = "a NO [AUTHENTICATIONFAILED] Authentication failed";

    private async Task<string> AddUserAsync(string password = Prepared)
    {
        var address = "prep" + Guid.NewGuid().ToString("N")[..10] + "@" + MailHostFixture.Domain;
        var result = await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(address, password, CancellationToken.None);
        Assert.Equal(DirectoryChangeResult.Done, result);
        return address;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private async Task<List<string>> LoginLiteralAsync(string user, string password)
    {
        await using var c = await ImapTestConnection.ConnectAsync(host.Endpoint(MailEndpoints.Imap));
        var octets = Encoding.UTF8.GetBytes(password);
        await c.SendAsync(Encoding.ASCII.GetBytes($"a LOGIN {user} {{{octets.Length}+}}\r\n").Concat(octets).Concat("\r\n"u8.ToArray()).ToArray());
        return await c.ReadUntilTaggedAsync("a");
    }

    private async Task<List<string>> PlainAsync(string user, string password)
    {
        await using var c = await ImapTestConnection.ConnectAsync(host.Endpoint(MailEndpoints.Imap));
        return await c.CommandAsync("a AUTHENTICATE PLAIN " + B64($"\0{user}\0{password}"));
    }

    private async Task<List<string>> SaslLoginAsync(string user, string password)
    {
        await using var c = await ImapTestConnection.ConnectAsync(host.Endpoint(MailEndpoints.Imap));
        await c.SendAsync("a AUTHENTICATE LOGIN " + B64(user) + "\r\n");
        Assert.StartsWith("+ ", await c.ReadLineAsync());
        await c.SendAsync(B64(password) + "\r\n");
        return await c.ReadUntilTaggedAsync("a");
    }

    [Fact]
    public async Task Login_UnpreparedPassword_AuthenticatesAsPreparedForm()
    {
        var user = await AddUserAsync();
        Assert.StartsWith("a OK", (await LoginLiteralAsync(user, Unprepared))[^1]);
        Assert.StartsWith("a OK", (await LoginLiteralAsync(user, Prepared))[^1]);
    }

    [Fact]
    public async Task AuthenticatePlainAndLogin_UnpreparedPassword_Authenticate()
    {
        var user = await AddUserAsync();
        Assert.StartsWith("a OK", (await PlainAsync(user, Unprepared))[^1]);
        Assert.StartsWith("a OK", (await SaslLoginAsync(user, Unprepared))[^1]);
        // Soft hyphen is "commonly mapped to nothing" (RFC 4013 §2.2).
        Assert.StartsWith("a OK", (await PlainAsync(user, "pa\u00ADss IX"))[^1]);
    }

    [Fact]
    public async Task ScramSha256_MailKit_UnpreparedPassword_Authenticates()
    {
        var user = await AddUserAsync();
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", host.Endpoint(MailEndpoints.Imap).Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(new SaslMechanismScramSha256(new NetworkCredential(user, Unprepared)));
        Assert.True(client.IsAuthenticated);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task LoginCommand_MailKit_UnpreparedPassword_Authenticates()
    {
        var user = await AddUserAsync();
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", host.Endpoint(MailEndpoints.Imap).Port, SecureSocketOptions.None);
        client.AuthenticationMechanisms.Clear();
        await client.AuthenticateAsync(new NetworkCredential(user, Unprepared));
        Assert.True(client.IsAuthenticated);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task PasswordSetUnprepared_StoredPrepared_BothFormsAuthenticate()
    {
        var user = await AddUserAsync(Unprepared);
        Assert.StartsWith("a OK", (await PlainAsync(user, Prepared))[^1]);
        Assert.StartsWith("a OK", (await PlainAsync(user, Unprepared))[^1]);
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", host.Endpoint(MailEndpoints.Imap).Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(new SaslMechanismScramSha256(new NetworkCredential(user, Prepared)));
        Assert.True(client.IsAuthenticated);
    }

    [Theory]
    [InlineData("pass IX\uE000")]
    [InlineData("pass\u0007IX")]
    [InlineData("pass IX\u200E")]
    public async Task ProhibitedPassword_RefusedLikeWrongPassword(string password)
    {
        var user = await AddUserAsync();
        Assert.Equal([Failed], await PlainAsync(user, password));
        Assert.Equal(await PlainAsync(user, "wrong"), await PlainAsync(user, password));
        Assert.Equal(await SaslLoginAsync(user, "wrong"), await SaslLoginAsync(user, password));
        Assert.Equal(await LoginLiteralAsync(user, "wrong"), await LoginLiteralAsync(user, password));
    }

    [Fact]
    public async Task ProhibitedUserName_RefusedLikeWrongPassword()
    {
        var user = await AddUserAsync();
        Assert.Equal([Failed], await PlainAsync(user + "\uE000", Prepared));
    }

    [Fact]
    public async Task ScramSha256_ProhibitedUserName_FailsLikeUnknownUser()
    {
        var user = await AddUserAsync();
        Assert.Equal(await ScramWithBadProofAsync("nobody@example.com"), await ScramWithBadProofAsync(user + "\uE000"));
        Assert.Equal([Failed], await ScramWithBadProofAsync(user + "\uE000"));
    }

    /// <summary>A SCRAM-SHA-256 exchange by hand up to a made-up proof (MailKit refuses to send prohibited names).</summary>
    private async Task<List<string>> ScramWithBadProofAsync(string user)
    {
        await using var c = await ImapTestConnection.ConnectAsync(host.Endpoint(MailEndpoints.Imap));
        await c.SendAsync("a AUTHENTICATE SCRAM-SHA-256 " + B64("n,,n=" + user + ",r=clientnonce") + "\r\n");
        var challenge = await c.ReadLineAsync();
        Assert.StartsWith("+ ", challenge);
        var serverFirst = Encoding.UTF8.GetString(Convert.FromBase64String(challenge[2..]));
        var nonce = serverFirst.Split(',')[0][2..];
        await c.SendAsync(B64("c=biws,r=" + nonce + ",p=" + Convert.ToBase64String(new byte[32])) + "\r\n");
        return await c.ReadUntilTaggedAsync("a");
    }
}
