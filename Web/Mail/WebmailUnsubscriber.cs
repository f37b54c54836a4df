using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>The <c>Mail:Webmail:Unsubscribe</c> section: how the webmail unsubscribes on the user's behalf.</summary>
public sealed class WebmailUnsubscribeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Webmail:Unsubscribe";

    /// <summary>Longest one-click POST, in seconds; default 10.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// RFC 8058 §3.1: one-click only to HTTPS URIs (default true). False also accepts http (test networks only).
    /// </summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// Networks (CIDR) exempt from the <see cref="SsrfGuard"/> refusal of private, loopback and link-local addresses;
    /// default none. Tests allow 127.0.0.1/32 here and nowhere else.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];
}

/// <summary>Outcome of an unsubscribe.</summary>
public enum WebmailUnsubscribeResult
{
    /// <summary>The list's server accepted the one-click POST (2xx), or the unsubscribe mail was submitted.</summary>
    Done,

    /// <summary>The message offers no one-click URI or mailto: target (any more).</summary>
    NotOffered,

    /// <summary>The one-click host is a private, loopback, link-local or reserved address (SSRF guard).</summary>
    ForbiddenAddress,

    /// <summary>The list's server answered with a non-2xx status, redirected, or could not be reached in time.</summary>
    Failed,
}

/// <summary>
/// Unsubscribes from a mailing list for the user: RFC 8058 one-click (a POST of <c>List-Unsubscribe=One-Click</c> from
/// the server, through the <see cref="SsrfGuard"/>, no cookies, no redirects followed, §3.2) or the RFC 2369
/// <c>mailto:</c> target (a message built with MimeKit and sent through the Submission role as the user).
/// </summary>
public sealed class WebmailUnsubscriber : IDisposable
{
    private readonly WebmailUnsubscribeOptions _options;
    private readonly SsrfGuard _guard;
    private readonly HttpClient _client;
    private readonly WebmailSubmissionClient _submission;
    private readonly TimeProvider _time;

    public WebmailUnsubscriber(IOptions<WebmailUnsubscribeOptions> options, WebmailSubmissionClient submission, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _submission = submission;
        _time = time;
        _guard = new SsrfGuard(_options.AllowedNetworks);
        _client = _guard.CreateClient(TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)), "MailWebmailUnsubscribe/1.0");
    }

    /// <summary>Whether one-click needs HTTPS (<see cref="WebmailUnsubscribeOptions.RequireHttps"/>).</summary>
    public bool RequireHttps => _options.RequireHttps;

    /// <summary>POSTs <c>List-Unsubscribe=One-Click</c> (application/x-www-form-urlencoded) to <paramref name="target"/>.</summary>
    public async Task<WebmailUnsubscribeResult> OneClickAsync(Uri target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_guard.IsForbiddenLiteral(target))
        {
            return WebmailUnsubscribeResult.ForbiddenAddress;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)));
        try
        {
            using var content = new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded");
            using var response = await _client.PostAsync(target, content, timeout.Token);
            return response.IsSuccessStatusCode ? WebmailUnsubscribeResult.Done : WebmailUnsubscribeResult.Failed;
        }
        catch (HttpRequestException ex) when (ex.InnerException is ForbiddenAddressException)
        {
            return WebmailUnsubscribeResult.ForbiddenAddress;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return WebmailUnsubscribeResult.Failed;
        }
    }

    /// <summary>Sends the unsubscribe mail <paramref name="mail"/> from the signed-in user through Submission.</summary>
    public async Task<WebmailUnsubscribeResult> MailAsync(WebmailMailSession session, WebmailUnsubscribeMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(mail);
        var from = new MailboxAddress("", session.Address);
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(mail.To);
        message.Subject = mail.Subject;
        message.Date = _time.GetUtcNow();
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Domain);
        message.Body = new TextPart("plain") { Text = mail.Body };
        var result = await _submission.SubmitAsync(session.Credentials, message, from, [mail.To], cancellationToken);
        return result.Outcome == WebmailSubmitOutcome.Accepted ? WebmailUnsubscribeResult.Done : WebmailUnsubscribeResult.Failed;
    }

    public void Dispose() => _client.Dispose();
}
