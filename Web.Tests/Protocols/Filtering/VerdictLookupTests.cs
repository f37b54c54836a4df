using System.Text;
using Mail.Protocols.Filtering;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Tests.Protocols.Filtering;

public sealed class VerdictLookupTests
{
    [Theory]
    [InlineData("id=7QK2M9XB4C1D; spamd=clean (1.2)", "7QK2M9XB4C1D")]
    [InlineData(" id=ABC", "ABC")]
    [InlineData("id=; spamd=clean", null)]
    [InlineData("spamd=clean; id=ABC", null)]
    [InlineData("id=AB/../C", null)]
    public void QueueIdOf_Value(string value, string? expected) => Assert.Equal(expected, VerdictLookup.QueueIdOf(value));

    [Fact]
    public async Task FindForMessage_FirstXMailScanField_FindsRecordOfThatAccountOnly()
    {
        var dir = TestPaths.NewTempDirectory("verdictlookup");
        using var store = new SqliteVerdictStore(Options.Create(new MailOptions { DataPath = dir }));
        var record = new VerdictRecord("REALID123456", "alice@example.com", "Junk", 4, DateTimeOffset.UtcNow, FilterAction.Junk, 7.5, 5, 15, "s@spam.example", "<m@x>",
            [new VerdictCheck("spamd", ScanOutcome.Spam, 7.5, 5, ["BAYES_99"], null, 12)]);
        await store.RecordAsync([record], default);
        var raw = "Return-Path: <s@spam.example>\r\nX-Mail-Scan: id=REALID123456; spamd=spam (7.5)\r\nReceived: from x\r\n" +
            "X-Mail-Scan: id=FORGED; spamd=clean\r\nFrom: s@spam.example\r\nSubject: hi\r\n\r\nbody\r\n";
        var message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.ASCII.GetBytes(raw)));

        var found = await store.FindForMessageAsync("alice@example.com", message.Headers, default);

        Assert.NotNull(found);
        Assert.Equal((FilterAction.Junk, 7.5, "BAYES_99"), (found.Action, found.Score, found.Checks[0].Symbols[0]));
        Assert.Null(await store.FindForMessageAsync("bob@example.com", message.Headers, default));
        Directory.Delete(dir, recursive: true);
    }
}
