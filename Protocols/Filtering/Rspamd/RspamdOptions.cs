namespace Mail.Protocols.Filtering.Rspamd;

/// <summary>The <c>Mail:Filters:Rspamd</c> section: rspamd's normal worker, scanned over its HTTP protocol (<c>POST /checkv2</c>).</summary>
/// <remarks>
/// Example: <c>"Rspamd": { "Url": "http://127.0.0.1:11333", "TimeoutSeconds": 15 }</c>. rspamd's score joins the
/// message score like spamd's (both use SpamAssassin-like points; rspamd's defaults are <c>add header</c> 6,
/// <c>reject</c> 15); its own <c>reject</c> action refuses the message whatever the score (e.g. GTUBE).
/// </remarks>
public sealed class RspamdOptions
{
    /// <summary>Base URL of the normal worker (its default port is 11333); the scanner is on when set.</summary>
    public string Url { get; set; } = "";

    /// <summary>Seconds one scan may take, connect included. Default 30 (rspamd's own <c>task_timeout</c> is 8 s).</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>The <c>Password</c> request header, when the worker requires one; empty for none.</summary>
    public string Password { get; set; } = "";

    /// <summary>Largest message sent whole, in octets. Default 20 MiB (rspamd's <c>max_message</c> is 50 MB).</summary>
    public long MaxMessageOctets { get; set; } = 20L * 1024 * 1024;

    /// <summary>What to do with larger messages. Default <see cref="Filtering.OversizeAction.Truncate"/>: scan the first <see cref="MaxMessageOctets"/>.</summary>
    public OversizeAction OversizeAction { get; set; } = OversizeAction.Truncate;

    /// <summary>Largest reply read, in octets. Default 1 MiB; longer is a protocol failure.</summary>
    public int MaxReplyOctets { get; set; } = 1024 * 1024;

    /// <summary>
    /// Whether rspamd's <c>soft reject</c> action (its greylisting or rate limits, which need Redis) refuses the
    /// message with <c>451 4.7.1</c>. Default true.
    /// </summary>
    public bool HonourSoftReject { get; set; } = true;

    /// <summary>Failure policy of this scanner; null takes <see cref="FilterOptions.FailurePolicy"/>.</summary>
    public FilterFailurePolicy? FailurePolicy { get; set; }
}
