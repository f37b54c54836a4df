using System.Collections.Concurrent;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Mail.Web.Tests.Web.Webmail.Security;

/// <summary>
/// The XSS corpus (<see cref="XssCorpus"/> and the shared <c>html/</c> corpus) opened in the webmail in
/// Debian chromium: the canary global stays unset in the page and in every frame, no dialog opens and
/// no request is made to any host but loopback (every request is intercepted and non-loopback ones are
/// recorded and aborted).
/// </summary>
[Collection(SecurityHostCollection.Name)]
public sealed class XssBrowserTests(SecurityHostFixture host)
{
    [Fact]
    public async Task XssCases_OpenedInHtmlAndTextViews_NoScriptRuns_NoRemoteRequest()
    {
        await using var probe = await CanaryProbe.StartAsync(host);
        foreach (var (name, uid) in host.CaseUids)
        {
            await probe.OpenAsync(name, uid, textView: false);
            await probe.OpenAsync(name, uid, textView: true);
            await probe.OpenAsync(name, uid, textView: false, showImages: true);
        }
        probe.AssertClean();
    }

    [Fact]
    public async Task HtmlCorpus_EveryFileOpened_NoScriptRuns_NoRemoteRequest()
    {
        await using var probe = await CanaryProbe.StartAsync(host);
        Assert.NotEmpty(host.CorpusUids);
        foreach (var (name, uid) in host.CorpusUids)
        {
            await probe.OpenAsync(name, uid, textView: false);
            await probe.OpenAsync(name, uid, textView: false, showImages: true);
        }
        probe.AssertClean();
    }

    [Fact]
    public async Task PlainTextBody_AngleBracketsAndUrls_ShownAsTextNeverMarkup()
    {
        await using var probe = await CanaryProbe.StartAsync(host);
        var page = probe.Session.Page;
        await probe.OpenAsync("plain", host.CaseUids["CVE-2020-35730 plain text linkification"], textView: false);
        var text = page.Locator("[data-testid=message-text]");
        Assert.Contains("<script>" + XssCorpus.Canary + "</script>", await text.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("[data-testid=message-text] script, [data-testid=message-text] img, [data-testid=message-text] svg").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=message-text] a[href^='javascript:' i]").CountAsync());
        Assert.Equal(0, await page.Locator("iframe[data-testid=message-body]").CountAsync());
        probe.AssertClean();
    }

    [Fact]
    public async Task HtmlAndSvgAttachments_OpenedByLink_DownloadOnly_NoScriptRuns()
    {
        await using var probe = await CanaryProbe.StartAsync(host);
        var page = probe.Session.Page;
        await probe.OpenAsync("attachments", host.CaseUids["HTML and SVG attachments"], textView: false);
        var links = page.Locator("[data-testid=attachments] a:not([data-testid=download-all])");
        Assert.Equal(3, await links.CountAsync());
        for (var i = 0; i < 3; i++)
        {
            var link = links.Nth(i);
            var href = await link.GetAttributeAsync("href");
            Assert.NotNull(href);

            // The response itself forbids rendering: attachment disposition, nosniff, a sandboxing CSP.
            var response = await probe.Session.Context.APIRequest.GetAsync(href);
            Assert.Equal(200, response.Status);
            Assert.StartsWith("attachment", response.Headers["content-disposition"], StringComparison.OrdinalIgnoreCase);
            Assert.Equal("nosniff", response.Headers["x-content-type-options"]);
            Assert.Contains("sandbox", response.Headers["content-security-policy"], StringComparison.Ordinal);

            // Clicking the link downloads; so does navigating to it directly.
            var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
            Assert.False(string.IsNullOrEmpty(download.SuggestedFilename));
            await download.CancelAsync();
            var tab = await probe.Session.Context.NewPageAsync();
            try
            {
                var direct = await tab.RunAndWaitForDownloadAsync(async () =>
                {
                    try
                    {
                        await tab.GotoAsync(href);
                    }
                    catch (PlaywrightException ex) when (ex.Message.Contains("Download is starting", StringComparison.Ordinal))
                    {
                    }
                });
                await direct.CancelAsync();
                Assert.False(await CanaryProbe.CanarySetAsync(tab), "attachment script ran in a tab");
            }
            finally
            {
                await tab.CloseAsync();
            }
        }
        Assert.False(await CanaryProbe.CanarySetAsync(page), "attachment script ran");
        probe.AssertClean();
    }

    [Fact]
    public async Task Probe_SeesARemoteRequestAndASetCanary()
    {
        // The control: the interception and the canary check do detect what the other tests assert is absent.
        await using var probe = await CanaryProbe.StartAsync(host);
        var page = probe.Session.Page;
        // (The shell's own CSP would stop a fetch before the network, so a fresh tab navigates there.)
        var tab = await probe.Session.Context.NewPageAsync();
        await Assert.ThrowsAsync<PlaywrightException>(() => tab.GotoAsync(XssCorpus.CanaryUrl));
        await tab.CloseAsync();
        await page.EvaluateAsync("() => { window.__xss = 1; }");
        Assert.True(await CanaryProbe.CanarySetAsync(page));
        Assert.Contains(XssCorpus.CanaryUrl, probe.RemoteRequests);
    }

    /// <summary>A signed-in page with every non-loopback request aborted and recorded, and dialogs recorded.</summary>
    private sealed class CanaryProbe : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> _remote = new();
        private readonly ConcurrentQueue<string> _dialogs = new();
        private readonly List<string> _ran = [];

        private CanaryProbe(ShellSession session) => Session = session;

        public ShellSession Session { get; }

        /// <summary>Requests for non-loopback hosts seen (and aborted) so far.</summary>
        public IReadOnlyCollection<string> RemoteRequests => _remote;

        public static async Task<CanaryProbe> StartAsync(MailHostFixture host)
        {
            var session = await ShellSession.SignInAsync(host, MailHostFixture.Alice);
            var probe = new CanaryProbe(session);
            await session.Context.RouteAsync("**", async route =>
            {
                if (Uri.TryCreate(route.Request.Url, UriKind.Absolute, out var uri) && uri.IsLoopback)
                {
                    await route.ContinueAsync();
                    return;
                }
                probe._remote.Enqueue(route.Request.Url);
                await route.AbortAsync();
            });
            session.Page.Dialog += (_, dialog) =>
            {
                probe._dialogs.Enqueue(dialog.Message);
                _ = dialog.DismissAsync();
            };
            return probe;
        }

        /// <summary>Opens the message in the reader (HTML or plain-text view, with "Show images" when asked), lets animations run, then checks the canary.</summary>
        public async Task OpenAsync(string name, uint uid, bool textView, bool showImages = false)
        {
            var page = Session.Page;
            var url = WebmailRoutes.Message("INBOX", uid) + (textView ? "&view=text" : "") + (showImages ? "&images=1" : "");
            await page.GotoAsync(url);
            await page.WaitForSelectorAsync("[data-testid=message-view]");
            if (await page.Locator("iframe[data-testid=message-body]").CountAsync() > 0)
            {
                Assert.Equal("allow-popups", await page.Locator("iframe[data-testid=message-body]").GetAttributeAsync("sandbox"));
                await page.FrameLocator("iframe[data-testid=message-body]").Locator("body").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
                // Hover and click everything in the body: handlers bound to pointer events would fire now.
                var frame = page.FrameLocator("iframe[data-testid=message-body]");
                var count = Math.Min(await frame.Locator("body *").CountAsync(), 40);
                for (var i = 0; i < count; i++)
                {
                    try
                    {
                        await frame.Locator("body *").Nth(i).HoverAsync(new LocatorHoverOptions { Timeout = 1_000, Force = true });
                    }
                    catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
                    {
                        // Invisible or zero-sized elements cannot be hovered; a hover that takes over a second (a loaded
                        // machine) throws System.TimeoutException, which is not a PlaywrightException.
                    }
                }
            }
            // SVG animations (onbegin/onrepeat/onend) and CSS animations fire within their 0.1-1 s durations.
            await page.WaitForTimeoutAsync(1_200);
            if (await CanarySetAsync(page))
            {
                _ran.Add(name + (textView ? " (text view)" : "") + (showImages ? " (images shown)" : ""));
            }
        }

        /// <summary>True when <c>__xss</c> is set in the page or any of its frames.</summary>
        public static async Task<bool> CanarySetAsync(IPage page)
        {
            foreach (var frame in page.Frames)
            {
                try
                {
                    if (await frame.EvaluateAsync<bool>("() => typeof window.__xss !== 'undefined'"))
                    {
                        return true;
                    }
                }
                catch (PlaywrightException)
                {
                    // A frame that navigated away or was detached meanwhile.
                }
            }
            return false;
        }

        public void AssertClean()
        {
            Assert.True(_ran.Count == 0, "script ran for: " + string.Join(", ", _ran));
            Assert.True(_dialogs.IsEmpty, "dialogs: " + string.Join(", ", _dialogs));
            Assert.True(_remote.IsEmpty, "requests for remote hosts: " + string.Join(", ", _remote));
        }

        public ValueTask DisposeAsync() => Session.DisposeAsync();
    }
}
