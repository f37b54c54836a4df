using System.Diagnostics;
using System.Text;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Imap;
using Mail.Web.Tests.Protocols.Smtp;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// Unknown user and wrong password are indistinguishable: same replies (IMAP LOGIN, AUTHENTICATE PLAIN and
/// SCRAM-SHA-256, POP3 USER/PASS, Submission AUTH) and the same time (one password hash either way).
/// </summary>
[Collection(MailHostCollection.Name)]
public sealed class AuthReplyEqualityTests
{
    private readonly MailHostFixture _host;
    private readonly ITestOutputHelper _output;

    public AuthReplyEqualityTests(MailHostFixture host, ITestOutputHelper output)
    {
        _host = host;
        _output = output;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private async Task<List<string>> ImapAsync(params string[] lines)
    {
        await using var c = await ImapTestConnection.ConnectAsync(_host.Endpoint(MailEndpoints.Imap));
        var replies = new List<string>();
        foreach (var line in lines)
        {
            replies.AddRange(await c.CommandAsync(line));
        }
        return replies;
    }

    [Fact]
    public async Task ImapLogin_UnknownUserAndWrongPassword_SameReply()
    {
        var wrong = await ImapAsync($"a LOGIN {MailHostFixture.Alice} wrong");
        var unknown = await ImapAsync("a LOGIN nobody@example.com wrong");
        var otherDomain = await ImapAsync("a LOGIN nobody@elsewhere.example wrong");
        Assert.Equal(["a NO [AUTHENTICATIONFAILED] Authentication failed"], wrong);
        Assert.Equal(wrong, unknown);
        Assert.Equal(wrong, otherDomain);
    }

    [Fact]
    public async Task ImapAuthenticatePlain_UnknownUserAndWrongPassword_SameReply()
    {
        var wrong = await ImapAsync("a AUTHENTICATE PLAIN " + B64($"\0{MailHostFixture.Alice}\0wrong"));
        var unknown = await ImapAsync("a AUTHENTICATE PLAIN " + B64("\0nobody@example.com\0wrong"));
        Assert.Equal(["a NO [AUTHENTICATIONFAILED] Authentication failed"], wrong);
        Assert.Equal(wrong, unknown);
    }

    [Fact]
    public async Task ImapScram_UnknownUser_GetsAServerFirstLikeARealUser_AndTheSameFailure()
    {
        async Task<(string ServerFirst, string Final)> RunAsync(string user)
        {
            await using var c = await ImapTestConnection.ConnectAsync(_host.Endpoint(MailEndpoints.Imap));
            await c.SendAsync("s AUTHENTICATE SCRAM-SHA-256 " + B64($"n,,n={user},r=clientnonce123") + "\r\n");
            var challenge = await c.ReadLineAsync();
            Assert.StartsWith("+ ", challenge, StringComparison.Ordinal);
            var serverFirst = Encoding.UTF8.GetString(Convert.FromBase64String(challenge[2..]));
            var nonce = serverFirst.Split(',')[0];
            // A proof of the right length that is wrong for everybody.
            await c.SendAsync(B64($"c=biws,{nonce},p=" + Convert.ToBase64String(new byte[32])) + "\r\n");
            return (serverFirst, await c.ReadLineAsync());
        }
        var known = await RunAsync(MailHostFixture.Alice);
        var unknown = await RunAsync("nobody@example.com");
        Assert.Matches("^r=clientnonce123[^,]+,s=[A-Za-z0-9+/]{22}==,i=4096$", known.ServerFirst);
        Assert.Matches("^r=clientnonce123[^,]+,s=[A-Za-z0-9+/]{22}==,i=4096$", unknown.ServerFirst);
        Assert.Equal("s NO [AUTHENTICATIONFAILED] Authentication failed", known.Final);
        Assert.Equal(known.Final, unknown.Final);
    }

    [Fact]
    public async Task Pop3AndSubmission_UnknownUserAndWrongPassword_SameReply()
    {
        async Task<string> PopAsync(string user)
        {
            await using var c = await WireClient.ConnectAsync(_host.Endpoint(MailEndpoints.Pop3));
            await c.ReadLineAsync();
            await c.SendLineAsync("USER " + user);
            Assert.Equal("+OK send PASS", await c.ReadLineAsync());
            await c.SendLineAsync("PASS wrong");
            return (await c.ReadLineAsync())!;
        }
        Assert.Equal("-ERR [AUTH] authentication failed", await PopAsync(MailHostFixture.Bob));
        Assert.Equal(await PopAsync(MailHostFixture.Bob), await PopAsync("nobody@example.com"));

        async Task<string> SubmitAsync(string user)
        {
            await using var c = await WireClient.ConnectAsync(_host.Endpoint(MailEndpoints.Submission));
            await c.ReadReplyAsync();
            await c.SendLineAsync("EHLO client.example");
            await c.ReadReplyAsync();
            await c.SendLineAsync("AUTH PLAIN " + B64($"\0{user}\0wrong"));
            return await c.ReadReplyAsync();
        }
        Assert.Equal("535 5.7.8 Error: authentication failed", await SubmitAsync(MailHostFixture.Alice));
        Assert.Equal(await SubmitAsync(MailHostFixture.Alice), await SubmitAsync("nobody@example.com"));
    }

    /// <summary>
    /// The median time of a failed IMAP LOGIN is the same for an unknown user and a wrong password (both run one
    /// PBKDF2 verification); alternating samples so machine load hits both alike.
    /// </summary>
    [Fact]
    public async Task ImapLogin_UnknownUserAndWrongPassword_SameMedianTime()
    {
        var wrong = new List<double>();
        var unknown = new List<double>();
        await using var c = await ImapTestConnection.ConnectAsync(_host.Endpoint(MailEndpoints.Imap));
        // Warm-up (JIT, connection pools).
        await c.CommandAsync("w LOGIN nobody@example.com x");
        await c.CommandAsync($"w LOGIN {MailHostFixture.Alice} x");
        for (var i = 0; i < 12; i++)
        {
            // Two failures per connection, then a fresh one (the third failure closes it).
            await using var conn = await ImapTestConnection.ConnectAsync(_host.Endpoint(MailEndpoints.Imap));
            // The order alternates so that whatever the second failure on a connection costs hits both alike.
            if (i % 2 == 0)
            {
                wrong.Add(await TimeAsync(conn, $"a LOGIN {MailHostFixture.Alice} wrong{i}"));
                unknown.Add(await TimeAsync(conn, $"b LOGIN nobody{i}@example.com wrong{i}"));
            }
            else
            {
                unknown.Add(await TimeAsync(conn, $"a LOGIN nobody{i}@example.com wrong{i}"));
                wrong.Add(await TimeAsync(conn, $"b LOGIN {MailHostFixture.Alice} wrong{i}"));
            }
        }
        var medianWrong = Median(wrong);
        var medianUnknown = Median(unknown);
        _output.WriteLine($"IMAP LOGIN failure median: wrong password {medianWrong:F1} ms, unknown user {medianUnknown:F1} ms");
        // Generous bounds: the check is "no order-of-magnitude gap" (a skipped hash would be ~50x faster); a loaded
        // 2-core machine (load 65) has given a ratio of 2.07 between two equal paths.
        Assert.InRange(medianUnknown / medianWrong, 0.25, 4.0);
    }

    private static async Task<double> TimeAsync(ImapTestConnection connection, string command)
    {
        var watch = Stopwatch.StartNew();
        await connection.CommandAsync(command);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[sorted.Count / 2] + sorted[(sorted.Count - 1) / 2]) / 2;
    }
}
