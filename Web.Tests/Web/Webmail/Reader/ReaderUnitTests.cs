using Mail.Web.Hosting;
using Mail.Web.Webmail;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>Unit tests of the reader's parsers: our Authentication-Results field, raster sniffing, zip entry names, calendar parts.</summary>
public sealed class ReaderUnitTests
{
    [Fact]
    public void AuthenticationResults_TopmostWithOurId_IsRead_InSpfDkimDmarcOrder()
    {
        var headers = new HeaderList
        {
            { "Authentication-Results", "mail.test; dmarc=fail header.from=shop.example; dkim=pass header.d=shop.example; spf=pass smtp.mailfrom=news@shop.example" },
            { "Authentication-Results", "mail.test; spf=fail smtp.mailfrom=x" },
        };
        var checks = WebmailAuthenticationResults.Read(headers, "MAIL.test");
        Assert.Equal(["spf:pass", "dkim:pass", "dmarc:fail"], checks.Select(c => c.Method + ":" + c.Result));
        Assert.Equal("header.d=shop.example", checks[1].Detail);
    }

    [Fact]
    public void AuthenticationResults_FoldedFieldOfAParsedMessage_IsRead()
    {
        var message = new MimeMessage();
        message.Headers.Insert(0, new Header("Authentication-Results",
            "mail.test; spf=pass smtp.mailfrom=news@shop.example; dkim=pass header.d=shop.example; dmarc=fail header.from=shop.example"));
        message.Body = new TextPart("plain") { Text = "x" };
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        buffer.Position = 0;
        var parsed = MimeMessage.Load(buffer);
        Assert.Equal(3, WebmailAuthenticationResults.Read(parsed.Headers, "mail.test").Count);
    }

    [Theory]
    [InlineData("other.example; spf=pass smtp.mailfrom=x")]
    [InlineData("mail.test.evil.example; spf=pass smtp.mailfrom=x")]
    [InlineData("mail.test; none")]
    [InlineData("garbage")]
    public void AuthenticationResults_ForeignOrEmptyTopmostField_YieldsNothing(string value)
    {
        var headers = new HeaderList { { "Authentication-Results", value }, { "Authentication-Results", "mail.test; spf=pass smtp.mailfrom=x" } };
        Assert.Empty(WebmailAuthenticationResults.Read(headers, "mail.test"));
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0 }, "image/png")]
    [InlineData(new byte[] { 0xff, 0xd8, 0xff, 0xe0 }, "image/jpeg")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "image/gif")]
    [InlineData(new byte[] { (byte)'<', (byte)'s', (byte)'v', (byte)'g' }, null)]
    [InlineData(new byte[] { (byte)'<', (byte)'h', (byte)'t', (byte)'m', (byte)'l' }, null)]
    public void RasterSniff_AcceptsRasterFormatsOnly(byte[] data, string? expected) =>
        Assert.Equal(expected, WebmailRasterImage.Sniff(data));

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\windows\\evil.exe", "evil.exe")]
    [InlineData("/abs/path/report.pdf", "report.pdf")]
    [InlineData("C:evil.txt", "C_evil.txt")]
    [InlineData("..", "attachment")]
    [InlineData(".hidden", "hidden")]
    [InlineData("a\r\nb\0.txt", "a__b_.txt")]
    [InlineData("", "attachment")]
    public void ZipNames_AreBareSafeFileNames(string input, string expected) =>
        Assert.Equal(expected, WebmailZipNames.Sanitize(input));

    [Fact]
    public void ZipNames_Duplicates_GetNumbered()
    {
        var names = new WebmailZipNames();
        Assert.Equal(["a.txt", "a (2).txt", "A (3).TXT"], new[] { names.Add("a.txt"), names.Add("dir/a.txt"), names.Add("A.TXT") });
    }

    [Fact]
    public void Calendar_RequestWithRecurrence_IsParsed()
    {
        const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:1@t\r\nDTSTAMP:20261201T080000Z\r\n"
            + "DTSTART:20261203T140000Z\r\nDTEND:20261203T150000Z\r\nSUMMARY:Planning\r\nLOCATION:Room 1\r\n"
            + "ORGANIZER;CN=Olga:mailto:olga@example.org\r\nATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.org\r\n"
            + "RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TH\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        var e = Assert.Single(WebmailCalendar.Parse(ics));
        Assert.Equal(("REQUEST", "Planning", "Room 1", "olga@example.org", "Olga"), (e.Method, e.Title, e.Location, e.OrganizerAddress, e.OrganizerName));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero), e.Start);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 15, 0, 0, TimeSpan.Zero), e.End);
        Assert.Equal(new WebmailCalendarAttendee("Bob", "bob@example.org", "ACCEPTED"), Assert.Single(e.Attendees));
        Assert.NotNull(e.Recurrence);
        Assert.Equal(("Weekly", 1, 4), (WebmailCalendar.Describe(e.Recurrence).Frequency, WebmailCalendar.Describe(e.Recurrence).Interval, WebmailCalendar.Describe(e.Recurrence).Count));
    }

    [Theory]
    [InlineData("not a calendar")]
    [InlineData("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\nEND:VEVENT\r\n")]
    [InlineData("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")]
    public void Calendar_Garbage_YieldsNoEventsAndNoException(string ics) =>
        Assert.Empty(WebmailCalendar.Parse(ics));
}
