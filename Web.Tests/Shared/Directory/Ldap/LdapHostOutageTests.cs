using System.Collections.Concurrent;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>
/// The whole host on the LDAP directory: slapd is killed while SMTP deliveries and IMAP logins run, and
/// restarted. Known users keep receiving and logging in (stale cache), addresses known to be unknown still
/// get <c>550 5.1.1</c>, an address never seen before gets <c>451 4.4.3</c> (retry later), admin writes fail with <see cref="DirectoryUnavailableException"/>, and writes work
/// again once slapd is back, without restarting the host.
/// </summary>
public sealed class LdapHostOutageTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task SlapdKilledUnderLoad_DeliveriesAndLoginsContinue_WritesFailThenRecover()
    {
        await using var slapd = await SlapdProcess.StartNewAsync();
        var settings = slapd.Server.Settings();
        settings["Mail:Directory:PositiveCacheSeconds"] = "1";
        settings["Mail:Directory:NegativeCacheSeconds"] = "1";
        settings["Mail:Directory:Ldap:RetryIntervalSeconds"] = "1";
        await using var host = await MailHostFixture.StartAsync(settings);
        var failures = new ConcurrentQueue<string>();
        var counts = new ConcurrentDictionary<string, int>();

        // Warm: every address the load uses is seen once while slapd is up.
        await RoundAsync(host, failures, counts);
        Assert.Empty(failures);

        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await RoundAsync(host, failures, counts);
            }
        })).ToArray();

        await WaitForAsync(() => counts.GetValueOrDefault("delivered") >= 6);
        await slapd.KillAsync();
        var killedAt = counts.GetValueOrDefault("delivered");
        // Run past the 1 s TTLs so only stale answers are left.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await WaitForAsync(() => counts.GetValueOrDefault("delivered") >= killedAt + 6);

        // Never looked up before the outage: nothing to answer from, so a retryable 451 4.4.3, never a 550.
        var neverSeen = await Assert.ThrowsAsync<SmtpCommandException>(() => DeliverAsync(host, "never-seen@example.com"));
        Assert.Equal(451, (int)neverSeen.StatusCode);
        Assert.Contains("4.4.3", neverSeen.Message, StringComparison.Ordinal);

        var admin = host.Services.GetRequiredService<IDirectoryAdmin>();
        var write = await Assert.ThrowsAsync<DirectoryUnavailableException>(() => admin.AddUserAsync("carol@example.com", MailHostFixture.Password, Ct));
        Assert.Contains("master", write.Message, StringComparison.Ordinal);

        await slapd.StartAsync();
        DirectoryChangeResult? added = null;
        await WaitForAsync(async () =>
        {
            try
            {
                added = await admin.AddUserAsync("carol@example.com", MailHostFixture.Password, Ct);
                return true;
            }
            catch (DirectoryUnavailableException)
            {
                return false;
            }
        });
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Equal(DirectoryChangeResult.Done, added);
        Assert.Empty(failures);
        Assert.True(counts.GetValueOrDefault("delivered") > killedAt, "deliveries continued during the outage");
        await DeliverAsync(host, "carol@example.com");
    }

    /// <summary>One delivery to alice and bob, one refused recipient, one IMAP login per user.</summary>
    private static async Task RoundAsync(MailHostFixture host, ConcurrentQueue<string> failures, ConcurrentDictionary<string, int> counts)
    {
        try
        {
            await DeliverAsync(host, MailHostFixture.Alice, MailHostFixture.Bob);
            counts.AddOrUpdate("delivered", 1, (_, n) => n + 1);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException)
        {
            failures.Enqueue("delivery: " + ex.Message);
        }
        try
        {
            await DeliverAsync(host, "nobody@example.com");
            failures.Enqueue("nobody@example.com was accepted");
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode == 550 && ex.Message.Contains("5.1.1", StringComparison.Ordinal))
        {
            counts.AddOrUpdate("refused", 1, (_, n) => n + 1);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException)
        {
            failures.Enqueue("unknown user: " + ex.Message);
        }
        foreach (var user in new[] { MailHostFixture.Alice, MailHostFixture.Bob })
        {
            try
            {
                using var imap = new ImapClient();
#pragma warning disable CA5359 // the host's self-signed test certificate
                imap.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
                var endpoint = host.Endpoint(MailEndpoints.Imap);
                await imap.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.StartTls);
                await imap.AuthenticateAsync(user, MailHostFixture.Password);
                await imap.DisconnectAsync(quit: true);
                counts.AddOrUpdate("login", 1, (_, n) => n + 1);
            }
            catch (Exception ex) when (ex is MailKit.ServiceNotConnectedException or MailKit.ProtocolException or AuthenticationException or IOException or ImapCommandException)
            {
                failures.Enqueue($"login {user}: {ex.Message}");
            }
        }
    }

    private static async Task DeliverAsync(MailHostFixture host, params string[] recipients)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@remote.example"));
        foreach (var recipient in recipients)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }
        message.Subject = "outage test";
        message.MessageId = Guid.NewGuid().ToString("N") + "@remote.example";
        message.Date = DateTimeOffset.UtcNow;
        message.Body = new TextPart("plain") { Text = "hello" };
        using var smtp = new SmtpClient();
        var endpoint = host.Endpoint(MailEndpoints.SmtpIn);
        await smtp.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        try
        {
            await smtp.SendAsync(message);
        }
        finally
        {
            await smtp.DisconnectAsync(quit: true);
        }
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 30 s");
            await Task.Delay(50);
        }
    }
}
