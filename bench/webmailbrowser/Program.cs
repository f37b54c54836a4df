using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

// Real-browser webmail benchmark, step 5 of bench/webmail.sh: Debian's chromium driven by Playwright against a
// signed-in webmail with a big INBOX.
//   WebmailBrowserBench <baseUrl> <user> <password> <reps> <word> <screenshotDir>
// Each repetition is a new browser context (a new user): sign in, first page, scroll to the middle and to the end of
// the virtual list, open a message, search the folder. Times are measured inside the page (bench.js, performance.now(),
// polled per animation frame). Prints "RESULT browser_<step> n=.. p50_ms=.. p95_ms=.. max_ms=.." per step; the
// sign-in and first-page documents carry b=bsignin-<rep> / b=bfirst-<rep> so webmail.sh can add the server's own
// "Request finished" times.
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: WebmailBrowserBench <baseUrl> <user> <password> <reps> <word> <screenshotDir>");
    return 2;
}
var baseUrl = args[0].TrimEnd('/') + "/";
var (user, password, word, shots) = (args[1], args[2], args[4], args[5]);
var reps = int.Parse(args[3], CultureInfo.InvariantCulture);
const string Chromium = "/usr/bin/chromium";
const int StepTimeoutMs = 180_000;
if (!File.Exists(Chromium))
{
    Console.Error.WriteLine($"{Chromium} is missing: apt-get install -y chromium (scripts/services.sh installs it)");
    return 1;
}
Directory.CreateDirectory(shots);
string script;
using (var stream = typeof(Program).Assembly.GetManifestResourceStream("bench.js")!)
using (var reader = new StreamReader(stream))
{
    script = await reader.ReadToEndAsync();
}

using var playwright = await Playwright.CreateAsync();
// The launch options of Web.Tests' WebmailBrowser (notes/real-services.md §7): offline, no DNS but loopback.
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = Chromium,
    Headless = true,
    Args =
    [
        "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ],
});
Console.Error.WriteLine($"browser: chromium {browser.Version}");

var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
void Add(string step, double ms)
{
    if (!times.TryGetValue(step, out var list))
    {
        times[step] = list = [];
    }
    list.Add(ms);
}
var errors = new List<string>();
var total = -1;

var failed = 0;
for (var rep = 0; rep < reps; rep++)
{
    // A step that fails (times out, or the page changed under it) ends its repetition, which is counted and skipped;
    // the steps it completed keep their times.
    try
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            Locale = "en-US",
        });
        await context.AddInitScriptAsync(script);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(StepTimeoutMs);
        page.PageError += (_, e) => errors.Add("page error: " + e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Text.Contains("favicon", StringComparison.Ordinal))
            {
                errors.Add("console: " + m.Text);
            }
        };
        async Task Shot(string name)
        {
            if (rep == 0)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, name + ".png") });
            }
        }

        // Sign in: from the click to the first rows of the list (POST /signin, 302, GET /mail with its prerender),
        // and until the list is interactive (the circuit's own rows).
        await page.GotoAsync($"signin?b=bsignin-{rep}");
        await page.FillAsync("#address", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath.StartsWith("/mail", StringComparison.Ordinal));
        var signIn = await MarksAsync(page);
        Add("signin_first_rows", signIn.GetProperty("firstRows").GetDouble());
        Add("signin_interactive", signIn.GetProperty("interactive").GetDouble());
        await Shot("browser-signed-in");

        // First page of the folder as a document load on the signed-in session.
        await page.GotoAsync($"mail?folder=INBOX&b=bfirst-{rep}", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        var first = await MarksAsync(page);
        Add("first_page_rows", first.GetProperty("firstRows").GetDouble());
        Add("first_page_interactive", first.GetProperty("interactive").GetDouble());
        Add("first_page_ttfb", first.GetProperty("ttfb").GetDouble());
        total = await page.EvaluateAsync<int>("() => window.__bench.total()");

        Add("scroll_middle", await page.EvaluateAsync<double>("([w, t]) => window.__bench.scroll(w, t)", new object[] { "middle", StepTimeoutMs }));
        await Shot("browser-middle");
        Add("scroll_end", await page.EvaluateAsync<double>("([w, t]) => window.__bench.scroll(w, t)", new object[] { "end", StepTimeoutMs }));
        await Shot("browser-end");

        Add("open_message", await page.EvaluateAsync<double>("t => window.__bench.open(t)", StepTimeoutMs));
        await Shot("browser-message");

        // Back to the list inside the circuit, then search the folder.
        await page.GoBackAsync(new PageGoBackOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync("() => window.__bench.listReady()", null, new PageWaitForFunctionOptions { Timeout = StepTimeoutMs });
        Add("search", await page.EvaluateAsync<double>("([w, t]) => window.__bench.search(w, t)", new object[] { word, StepTimeoutMs }));
        await Shot("browser-search");
        Console.Error.WriteLine($"rep {rep + 1}/{reps}: " + string.Join(' ', times.Select(t => $"{t.Key}={t.Value[^1]:F0}")));
    }
    catch (Exception e) when (e is PlaywrightException or TimeoutException)
    {
        failed++;
        Console.Error.WriteLine($"rep {rep + 1}/{reps} failed: {e.Message}");
    }
}

Console.WriteLine($"RESULT browser chromium={browser.Version} reps={reps} failed_reps={failed} messages={total} viewport=1280x860 console_errors={errors.Count}");
foreach (var (step, values) in times)
{
    values.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT browser_{step} n={values.Count} p50_ms={Median(values):F1} p95_ms={Percentile(values, 95):F1} max_ms={values[^1]:F1}"));
}
foreach (var error in errors.Distinct().Take(5))
{
    Console.Error.WriteLine(error);
}
return 0;

// Marks of the document now loading (bench.js): waits until both are set.
static async Task<JsonElement> MarksAsync(IPage page)
{
    var handle = await page.WaitForFunctionAsync("() => window.__bench && window.__bench.marks()", null,
        new PageWaitForFunctionOptions { Timeout = StepTimeoutMs });
    return await handle.JsonValueAsync<JsonElement>();
}

// Median and nearest-rank percentile of sorted values (the rules of webmail_bench.py's report and pct).
static double Median(List<double> sorted) =>
    sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

static double Percentile(List<double> sorted, int p) =>
    sorted[Math.Clamp((int)Math.Round(p / 100.0 * sorted.Count + 0.5, MidpointRounding.AwayFromZero) - 1, 0, sorted.Count - 1)];
