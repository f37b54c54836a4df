using System.IO.Compression;
using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Attachments;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Filtering.Attachments;

/// <summary>The attachment policy: crafted messages (names, declared types, real content, zips) and the corpus.</summary>
public sealed class AttachmentPolicyTests
{
    private static readonly byte[] Pe = [.. "MZ"u8, .. new byte[126], .. "PE\0\0"u8, .. new byte[64]];
    private static readonly byte[] Elf = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, .. new byte[56]];

    private static AttachmentScanner Scanner(Action<AttachmentOptions>? configure = null)
    {
        var options = new FilterOptions { Attachments = { Enabled = true } };
        configure?.Invoke(options.Attachments);
        return new AttachmentScanner(Options.Create(options));
    }

    private static Task<ScanResult> ScanAsync(string message, Action<AttachmentOptions>? configure = null) =>
        Scanner(configure).ScanAsync(FilterTestMessages.Scan(message), CancellationToken.None);

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    [Fact]
    public async Task BannedExtension_Rejected_WithReason()
    {
        var result = await ScanAsync(FilterTestMessages.WithAttachment("harmless text"u8.ToArray(), "setup.EXE", "application/octet-stream"));

        Assert.Equal(ScanDemand.Reject, result.Demand);
        Assert.Equal("banned setup.EXE: extension exe", result.Detail);
        Assert.StartsWith("554 5.7.1 ", result.Reply);
    }

    [Fact]
    public async Task BannedDeclaredType_Rejected()
    {
        var result = await ScanAsync(FilterTestMessages.WithAttachment("text"u8.ToArray(), "tool.bin", "application/x-msdownload"));

        Assert.Equal("banned tool.bin: type application/x-msdownload", result.Detail);
    }

    [Fact]
    public async Task PeDisguisedAsPdf_RejectedByContent()
    {
        var result = await ScanAsync(FilterTestMessages.WithAttachment(Pe, "invoice.pdf", "application/pdf"));

        Assert.Equal("banned invoice.pdf: content pe", result.Detail);
        Assert.Contains("BANNED_PE", result.Symbols);
    }

    [Fact]
    public async Task ShellScriptAttachment_RejectedByContent()
    {
        var result = await ScanAsync(FilterTestMessages.WithAttachment("#!/bin/sh\nrm -rf ~\n"u8.ToArray(), "notes.txt", "text/plain"));

        Assert.Equal("banned notes.txt: content script", result.Detail);
    }

    [Fact]
    public async Task ShebangInPlainTextBody_NotBanned()
    {
        var result = await ScanAsync(FilterTestMessages.Plain("#!/bin/sh\necho this is how you do it"));

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
    }

    [Fact]
    public async Task ElfInsideZip_Rejected()
    {
        var zip = Zip(("readme.txt", "hello"u8.ToArray()), ("bin/tool", Elf));

        var result = await ScanAsync(FilterTestMessages.WithAttachment(zip, "tools.zip", "application/zip"));

        Assert.Equal("banned tools.zip/bin/tool: content elf", result.Detail);
    }

    [Fact]
    public async Task ExeNameInsideZipInsideZip_Rejected()
    {
        var inner = Zip(("run.exe", "not even an executable"u8.ToArray()));
        var outer = Zip(("inner.zip", inner));

        var result = await ScanAsync(FilterTestMessages.WithAttachment(outer, "outer.zip", "application/zip"));

        Assert.Equal("banned outer.zip/inner.zip/run.exe: extension exe", result.Detail);
    }

    [Fact]
    public async Task ZipNestedBeyondDepth_NotOpened_Noted()
    {
        var inner = Zip(("run.exe", "x"u8.ToArray()));
        var outer = Zip(("inner.zip", inner));

        var result = await ScanAsync(FilterTestMessages.WithAttachment(outer, "outer.zip", "application/zip"), o => o.MaxArchiveDepth = 1);

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
        Assert.Equal("outer.zip/inner.zip: archive nested deeper than 1", result.Detail);
    }

    [Fact]
    public async Task ZipBomb_StopsAtOctetLimit()
    {
        var noise = new byte[256 * 1024];
        new Random(5).NextBytes(noise);
        var inner = Zip(("noise.bin", noise));
        var outer = Zip(("a.zip", inner), ("b.exe", "x"u8.ToArray()));

        var result = await ScanAsync(FilterTestMessages.WithAttachment(outer, "bomb.zip", "application/zip"), o => o.MaxArchiveOctets = 64 * 1024);

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
        Assert.Contains("archive larger than the inspection limit", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyEntries_StopsAtEntryLimit()
    {
        var zip = Zip([.. Enumerable.Range(0, 50).Select(i => ($"f{i}.txt", "x"u8.ToArray())), ("last.exe", "x"u8.ToArray())]);

        var result = await ScanAsync(FilterTestMessages.WithAttachment(zip, "many.zip", "application/zip"), o => o.MaxArchiveEntries = 10);

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
        Assert.Equal("many.zip: more archive entries than the inspection limit", result.Detail);
    }

    [Fact]
    public async Task Quarantine_DemandsJunk()
    {
        var result = await ScanAsync(FilterTestMessages.WithAttachment(Pe, "a.pdf", "application/pdf"), o => o.Action = AttachmentAction.Quarantine);

        Assert.Equal(ScanDemand.Junk, result.Demand);
    }

    [Fact]
    public async Task Strip_ReplacesBannedPart_KeepsTheRest()
    {
        var message = FilterTestMessages.WithAttachment(Pe, "invoice.pdf", "application/pdf");

        var result = await ScanAsync(message, o => o.Action = AttachmentAction.Strip);

        Assert.Null(result.Demand);
        var edited = Encoding.UTF8.GetString(MessageEditor.Apply(FilterTestMessages.Scan(message), result.Edits));
        Assert.Contains("An attachment was removed by the mail server's attachment policy (invoice.pdf: content pe).", edited, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Pe)[..20], edited, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/mixed; boundary=\"b1\"", edited, StringComparison.Ordinal);
        Assert.Contains("--b1\r\n", edited, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorpusHamAndMime_OnlyTheJavascriptAttachmentBanned()
    {
        var scanner = Scanner();
        var banned = new List<string>();
        foreach (var message in CorpusMessages.All.Where(m => m.Name.StartsWith("ham/", StringComparison.Ordinal) || m.Name.StartsWith("mime-edge/", StringComparison.Ordinal) || m.Name.StartsWith("html/", StringComparison.Ordinal)))
        {
            var result = await scanner.ScanAsync(FilterTestMessages.Scan(message.Bytes), CancellationToken.None);
            if (result.Outcome != ScanOutcome.Clean)
            {
                banned.Add($"{message.Name}: {result.Detail}");
            }
        }
        // SpamAssassin's "nice" test message carries payload.js: the default list bans .js on purpose.
        Assert.Equal(["html/sa__nice__handler_javascript_attach.eml: banned payload.js: extension js"], banned);
    }
}
