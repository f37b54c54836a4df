using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// Calendar invitations (text/calendar, METHOD REQUEST/CANCEL) rendered as a card in Debian chromium: fields shown in the
/// browser's time zone, and an invitation full of SVG/HTML/script (the CVE-2026-8496 class: SVG <c>onrepeat</c> in
/// SUMMARY, DESCRIPTION, LOCATION and CN) shows as inert text, runs nothing and requests nothing remote.
/// </summary>
[Collection(ReaderHostCollection.Name)]
public sealed class InvitationBrowserTests(ReaderHostFixture host)
{
    [Fact]
    public async Task Request_IsShownAsACard_InTheBrowsersTimeZone()
    {
        var user = await host.NewUserAsync("ical");
        var uid = await host.DeliverAsync(user, Invitation(user, "REQUEST",
            "SUMMARY:Quarterly planning\r\nLOCATION:Room 4.2\r\nDTSTART:20261203T140000Z\r\nDTEND:20261203T153000Z\r\n"
            + "ORGANIZER;CN=Olga Organizer:mailto:olga@example.org\r\n"
            + "ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.org\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:carol@example.org\r\n"
            + "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=6\r\n"));

        await using var reader = await host.SignInAsync(user, timeZone: "Asia/Tokyo");
        await reader.OpenAsync("INBOX", uid);
        var card = reader.Page.Locator("[data-testid=invitation]");
        await card.WaitForAsync();
        Assert.Equal("REQUEST", await card.GetAttributeAsync("data-method"));
        Assert.Equal("Quarterly planning", await card.Locator("[data-testid=invitation-title]").InnerTextAsync());
        Assert.Equal("Room 4.2", await card.Locator("[data-testid=invitation-where]").InnerTextAsync());
        // 14:00Z is 23:00 in Tokyo (UTC+9, no DST).
        var when = (await card.Locator("[data-testid=invitation-when]").InnerTextAsync()).Replace('\u202f', ' ');
        Assert.True(when.Contains("11:00 PM", StringComparison.Ordinal), when);
        Assert.Contains("Asia/Tokyo", when, StringComparison.Ordinal);
        Assert.Contains("Olga Organizer <olga@example.org>", await card.Locator("[data-testid=invitation-organizer]").InnerTextAsync(), StringComparison.Ordinal);
        var attendees = await card.Locator("[data-testid=invitation-attendees]").InnerTextAsync();
        Assert.Contains("Bob <bob@example.org> · accepted", attendees, StringComparison.Ordinal);
        Assert.Contains("carol@example.org · no reply yet", attendees, StringComparison.Ordinal);
        Assert.Equal("every 2 weeks, 6 times", await card.Locator("[data-testid=invitation-recurrence]").InnerTextAsync());
        await reader.ScreenshotAsync("reader-invitation");
    }

    [Fact]
    public async Task Cancel_IsMarkedCancelled()
    {
        var user = await host.NewUserAsync("icac");
        var uid = await host.DeliverAsync(user, Invitation(user, "CANCEL", "SUMMARY:Old meeting\r\nDTSTART;VALUE=DATE:20261224\r\n"));
        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync("INBOX", uid);
        var card = reader.Page.Locator("[data-testid=invitation][data-method=CANCEL]");
        await card.WaitForAsync();
        Assert.Equal("Cancelled", await card.Locator("[data-testid=invitation-method]").InnerTextAsync());
        Assert.Contains("December 24, 2026", await card.Locator("[data-testid=invitation-when]").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SvgAndScriptInAnInvitation_StayInertText_NoScriptRuns_NoRemoteRequest()
    {
        const string svg = "<svg><animate onrepeat=\"window.canary=1;alert(1)\" attributeName=\"x\" dur=\"1s\" repeatCount=\"2\"/>"
            + "<image href=\"http://remote.example/track.png\"/></svg>";
        var user = await host.NewUserAsync("icsv");
        var uid = await host.DeliverAsync(user, Invitation(user, "REQUEST",
            $"SUMMARY:{svg}\r\nDESCRIPTION:<img src=x onerror=\"window.canary=2\"><script>window.canary=3</script>\r\n"
            + $"LOCATION:<iframe src=\"http://remote.example/\"></iframe>\r\nDTSTART:20261203T140000Z\r\n"
            + "ORGANIZER;CN=\"<svg onload=window.canary=4>\":mailto:olga@example.org\r\n"
            + "ATTENDEE;CN=\"<img src=http://remote.example/a.png>\":mailto:bob@example.org\r\n"));

        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync("INBOX", uid);
        var card = reader.Page.Locator("[data-testid=invitation]");
        await card.WaitForAsync();
        Assert.Equal(svg, await card.Locator("[data-testid=invitation-title]").InnerTextAsync());
        Assert.Equal(0, await card.Locator("svg, img, iframe, script, animate").CountAsync());
        await reader.Page.WaitForTimeoutAsync(1500); // the animation would have repeated by now
        Assert.Null(await reader.Page.EvaluateAsync<int?>("() => window.canary ?? null"));
        Assert.Empty(reader.Errors);
        Assert.DoesNotContain(reader.Requests, url => url.Contains("remote.example", StringComparison.Ordinal));
        await reader.ScreenshotAsync("reader-invitation-svg");
    }

    private static MimeMessage Invitation(string user, string method, string eventLines)
    {
        var ics = $"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\nUID:{Guid.NewGuid():N}@example.org\r\n"
            + $"DTSTAMP:20261201T080000Z\r\n{eventLines}END:VEVENT\r\nEND:VCALENDAR\r\n";
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Olga", "olga@example.org"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Subject = "Invitation " + Guid.NewGuid().ToString("N");
        var calendar = new TextPart("calendar") { Text = ics };
        calendar.ContentType.Parameters.Add("method", method);
        message.Body = new Multipart("alternative") { new TextPart("plain") { Text = "You are invited." }, calendar };
        return message;
    }
}
