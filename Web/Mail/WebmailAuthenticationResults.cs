using MimeKit;
using MimeKit.Cryptography;

namespace Mail.Web.Webmail;

/// <summary>One method result of our own <c>Authentication-Results</c> field (RFC 8601 §2.2).</summary>
/// <param name="Method">Method name, lower case: <c>spf</c>, <c>dkim</c>, <c>dmarc</c>, <c>arc</c>, ...</param>
/// <param name="Result">Result keyword, lower case: <c>pass</c>, <c>fail</c>, <c>softfail</c>, <c>neutral</c>, <c>none</c>, <c>temperror</c>, <c>permerror</c>.</param>
/// <param name="Detail">The properties as <c>ptype.property=value</c> pairs (e.g. <c>header.d=example.org</c>), space-separated; empty when none.</param>
public sealed record WebmailAuthCheck(string Method, string Result, string Detail)
{
    /// <summary>True for <c>pass</c>.</summary>
    public bool Passed => Result == "pass";

    /// <summary>True for results that mean the check failed (<c>fail</c>, <c>softfail</c>, <c>permerror</c>).</summary>
    public bool Failed => Result is "fail" or "softfail" or "permerror";
}

/// <summary>
/// Reads the authentication results our SMTP-in added to a received message (RFC 8601). Only the topmost
/// <c>Authentication-Results</c> field is considered, and only when its authserv-id is this installation's host
/// name (<c>Mail:HostName</c>): SMTP-in prepends its field above everything the sender wrote, so a field lower
/// down, or a topmost one naming another server, is the sender's claim and is ignored (RFC 8601 §5).
/// </summary>
public static class WebmailAuthenticationResults
{
    /// <summary>Methods shown first, in this order; others follow in field order.</summary>
    private static readonly string[] s_order = ["spf", "dkim", "dmarc"];

    /// <summary>
    /// The method results of the topmost <c>Authentication-Results</c> field of <paramref name="headers"/> when its
    /// authserv-id is <paramref name="authServId"/> (case-insensitive); empty when there is none, it names another
    /// server, it does not parse, or it says <c>none</c>.
    /// </summary>
    public static IReadOnlyList<WebmailAuthCheck> Read(HeaderList? headers, string authServId)
    {
        if (headers is null || string.IsNullOrEmpty(authServId))
        {
            return [];
        }
        var index = headers.IndexOf(HeaderId.AuthenticationResults);
        if (index < 0 || !AuthenticationResults.TryParse(headers[index].RawValue, out var results)
            || !string.Equals(results.AuthenticationServiceIdentifier, authServId, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }
        return [.. results.Results
            .Select(r => new WebmailAuthCheck(
                (r.Method ?? "").ToLowerInvariant(),
                (r.Result ?? "").ToLowerInvariant(),
                string.Join(' ', r.Properties.Select(p => $"{p.PropertyType}.{p.Property}={p.Value}"))))
            .Where(c => c.Method.Length > 0)
            .OrderBy(c => Array.IndexOf(s_order, c.Method) is var i && i >= 0 ? i : s_order.Length)];
    }
}
