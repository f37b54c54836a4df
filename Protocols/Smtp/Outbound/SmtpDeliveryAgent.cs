using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mail.Protocols.Smtp.Outbound.Dkim;
using Mail.Protocols.Smtp.Outbound.Tls;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>
/// Delivers a message to the recipients of one domain over SMTP with MailKit's <see cref="SmtpClient"/>:
/// the route from <see cref="OutboundOptions.Routes"/> or the MX hosts (<see cref="OutboundDns"/>) in
/// preference order, every address of each host until one takes the transaction; STARTTLS whenever offered
/// (opportunistic, RFC 7435: certificates are not verified) unless the host's <see cref="OutboundTlsPolicy"/> (DANE,
/// MTA-STS enforce, REQUIRETLS; <see cref="TlsPolicyResolver"/>) requires TLS with a verified certificate
/// (<c>451 4.7.5</c> per host when it fails); REQUIRETLS relayed and required of the next hop (<c>550 5.7.30</c>);
/// 8BITMIME downgraded to 7bit by MimeKit, and the DKIM signature made again, for a hop without 8BITMIME; BDAT when
/// CHUNKING is offered (RFC 3030); AUTH only at the smarthost. Results are per recipient: RCPT refusals are recorded, not thrown.
/// The TLS outcome of each session to an MX host goes to <see cref="TlsReporting.TlsReportCollector"/> (RFC 8460).
/// </summary>
internal sealed partial class SmtpDeliveryAgent(
    OutboundDns dns,
    OutboundQueueStore queue,
    TlsPolicyResolver policies,
    CertificateVerifier verifier,
    DkimMessageSigner dkim,
    TlsReporting.TlsReportCollector reports,
    IOptions<OutboundOptions> options,
    IOptions<MailOptions> mail,
    TimeProvider time,
    ILogger<SmtpDeliveryAgent> logger) : IDisposable
{
    private readonly OutboundOptions _options = options.Value;
    private readonly string _helo = string.IsNullOrEmpty(options.Value.HeloName) ? mail.Value.HostName : options.Value.HeloName;

    /// <summary>One attempt for <paramref name="recipients"/> (all in <paramref name="domain"/>).</summary>
    public async Task<List<DeliveryResult>> DeliverAsync(OutboundQueueEntry entry, string domain, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        // A connection kept open after an earlier transaction to this domain (Postfix's connection cache).
        while (TakeIdle(domain) is { } idle)
        {
            if (entry.RequireTls && !idle.Client.Verified)
            {
                Release(domain, idle.Client, idle.Where);
                break;
            }
            var reused = await TrySendAsync(idle.Client, entry, idle.Where, recipients, cancellationToken);
            if (reused is not null)
            {
                Release(domain, idle.Client, idle.Where);
                return reused;
            }
            idle.Client.Dispose();
        }
        var (targets, smarthost, failure) = await TargetsAsync(domain, recipients, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        var routed = smarthost || _options.Routes.ContainsKey(domain);
        var stsPolicy = routed ? null : await policies.DomainPolicyAsync(domain, cancellationToken);
        var errors = new List<string>();
        string? permanent = null;
        foreach (var (host, port) in targets)
        {
            var (policy, refusal) = await policies.ForHostAsync(entry, host, port, !routed, stsPolicy, cancellationToken);
            if (policy is null)
            {
                if (!routed)
                {
                    reports.RecordFailure(TlsReporting.TlsReportPolicy.For(domain, stsPolicy, null), TlsReporting.TlsResultType.ValidationFailure, null, host, null, "mx not listed in the policy");
                }
                errors.Add(refusal!);
                continue;
            }
            var addresses = await dns.ResolveAddressesAsync(host, cancellationToken);
            if (addresses.Count == 0)
            {
                errors.Add($"{host}: no address");
                continue;
            }
            foreach (var address in addresses)
            {
                var reportPolicy = routed ? null : TlsReporting.TlsReportPolicy.For(domain, stsPolicy, policy);
                var attempt = await TryHostAsync(entry, domain, host, address, port, smarthost, policy, reportPolicy, recipients, cancellationToken);
                if (attempt.Results is not null)
                {
                    return attempt.Results;
                }
                OutboundLog.ConnectFailed(logger, host, address, domain, attempt.Error!);
                if (attempt.Permanent)
                {
                    permanent ??= attempt.Error;
                }
                else
                {
                    errors.Add(attempt.Error!);
                }
            }
        }
        if (permanent is not null && errors.Count == 0)
        {
            // Every host that answered lacks REQUIRETLS (RFC 8689 §4.2.1): the message cannot go on.
            return DeliveryResult.All(recipients, OutboundRecipientStatus.Failed, "550 5.7.30 " + permanent, null);
        }
        if (permanent is not null)
        {
            errors.Add(permanent);
        }
        // Every host refused by a TLS policy (RFC 3463 4.7.5: cryptographic failure), else a routing failure.
        var code = errors.Count > 0 && errors.All(e => e.StartsWith("REQUIRETLS:", StringComparison.Ordinal) || e.StartsWith("MTA-STS", StringComparison.Ordinal) || e.StartsWith("DANE:", StringComparison.Ordinal))
            ? "451 4.7.5 " : "451 4.4.1 ";
        var reply = code + (errors.Count == 0 ? "no route to " + domain : string.Join("; ", errors.TakeLast(3)));
        return DeliveryResult.All(recipients, OutboundRecipientStatus.Pending, reply, null);
    }

    private async Task<(List<(string Host, int Port)> Targets, bool Smarthost, List<DeliveryResult>? Failure)> TargetsAsync(string domain, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        if (_options.Routes.TryGetValue(domain, out var route) || _options.Routes.TryGetValue("*", out route))
        {
            var smarthost = !_options.Routes.ContainsKey(domain);
            return ([ParseRoute(route)], smarthost, null);
        }
        var mx = await dns.ResolveMxAsync(domain, cancellationToken);
        return mx.Outcome switch
        {
            MxOutcome.Hosts => (mx.Hosts.Select(h => (h, _options.SmtpPort)).ToList(), false, null),
            MxOutcome.NullMx => ([], false, DeliveryResult.All(recipients, OutboundRecipientStatus.Failed, "556 5.1.10 " + mx.Detail, null)),
            MxOutcome.NoSuchDomain => ([], false, DeliveryResult.All(recipients, OutboundRecipientStatus.Failed, "550 5.1.2 " + mx.Detail, null)),
            _ => ([], false, DeliveryResult.All(recipients, OutboundRecipientStatus.Pending, "451 4.4.3 " + mx.Detail, null)),
        };
    }

    private (string, int) ParseRoute(string route)
    {
        var colon = route.LastIndexOf(':');
        if (colon > 0 && route.IndexOf(']', StringComparison.Ordinal) < colon && int.TryParse(route.AsSpan(colon + 1), out var port) && (route.Count(c => c == ':') == 1 || route.StartsWith('[')))
        {
            return (route[..colon].Trim('[', ']'), port);
        }
        return (route.Trim('[', ']'), _options.SmtpPort);
    }

    private async Task<(List<DeliveryResult>? Results, string? Error, bool Permanent)> TryHostAsync(
        OutboundQueueEntry entry, string domain, string host, IPAddress address, int port, bool smarthost, OutboundTlsPolicy policy,
        TlsReporting.TlsReportPolicy? reportPolicy, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        string? sendingIp = null;
        var where = $"{host}[{address}]:{port}";
        string? tlsError = null;
        var client = new RecordingSmtpClient
        {
            LocalDomain = _helo,
            Timeout = _options.CommandTimeoutSeconds * 1000,
            CheckCertificateRevocation = false,
            // Opportunistic TLS (RFC 7435, RFC 3207 §4.1) takes any certificate: an MTA without DANE or MTA-STS policy
            // cannot know the right one, and refusing a bad one would only push the message to clear text. A policy
            // that requires TLS verifies it (CertificateVerifier).
            ServerCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                var ok = verifier.Verify(policy, certificate, chain, out var error);
                tlsError = ok ? null : error;
                return ok;
            },
        };
        var required = policy.Requirement != TlsRequirement.Opportunistic;
        try
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connectTimeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
                await socket.ConnectAsync(new IPEndPoint(address, port), connectTimeout.Token);
                sendingIp = (socket.LocalEndPoint as IPEndPoint)?.Address.ToString();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            await client.ConnectAsync(socket, host, port, required ? SecureSocketOptions.StartTls : SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
            client.Verified = required;
            if (reportPolicy is not null)
            {
                // RFC 8460 §4.4: a success is a session that negotiated TLS; without STARTTLS offered, a failure.
                if (client.IsSecure)
                {
                    reports.RecordSuccess(reportPolicy);
                }
                else
                {
                    reports.RecordFailure(reportPolicy, TlsReporting.TlsResultType.StartTlsNotSupported, sendingIp, host, address.ToString(), null);
                }
            }
            if (entry.RequireTls && !client.Capabilities.HasFlag(SmtpCapabilities.RequireTLS))
            {
                client.Dispose();
                return (null, $"{where} does not offer REQUIRETLS", true);
            }
            if (smarthost && _options.SmarthostUser.Length > 0)
            {
                await client.AuthenticateAsync(_options.SmarthostUser, _options.SmarthostPassword, cancellationToken);
            }
        }
        catch (Exception ex) when (required && ex is SslHandshakeException or NotSupportedException)
        {
            client.Dispose();
            var reason = ex is NotSupportedException ? "STARTTLS not offered" : tlsError ?? ex.Message;
            if (reportPolicy is not null)
            {
                var type = ex is NotSupportedException ? TlsReporting.TlsResultType.StartTlsNotSupported : TlsReporting.TlsResultType.OfCertificateError(tlsError);
                reports.RecordFailure(reportPolicy, type, sendingIp, host, address.ToString(), tlsError);
            }
            return (null, $"{policy.Source}: TLS to {where} required: {reason}", false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or SmtpCommandException or SslHandshakeException or AuthenticationException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            client.Dispose();
            if (reportPolicy is not null && ex is SslHandshakeException)
            {
                reports.RecordFailure(reportPolicy, TlsReporting.TlsResultType.ValidationFailure, sendingIp, host, address.ToString(), "TLS handshake failed");
            }
            return (null, $"connect to {where}: {ex.Message}", false);
        }

        List<DeliveryResult> results;
        try
        {
            results = await SendAsync(client, entry, where, recipients, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            client.Dispose();
            // Lost in the middle: nothing was acknowledged, so every recipient stays pending (at least once).
            return (DeliveryResult.All(recipients, OutboundRecipientStatus.Pending, $"451 4.4.2 lost connection with {where}: {ex.Message}", where), null, false);
        }
        Release(domain, client, where);
        return (results, null, false);
    }

    /// <summary>
    /// A transaction on a cached connection; null when the connection turned out dead or the server ended it
    /// (the caller then opens a new one; a message the old one may have taken is sent again: at least once).
    /// </summary>
    private async Task<List<DeliveryResult>?> TrySendAsync(RecordingSmtpClient client, OutboundQueueEntry entry, string where, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        try
        {
            var results = await SendAsync(client, entry, where, recipients, cancellationToken);
            return results.Any(r => r.Reply.StartsWith("421", StringComparison.Ordinal)) ? null : results;
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private async Task<List<DeliveryResult>> SendAsync(RecordingSmtpClient client, OutboundQueueEntry entry, string where, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        MimeMessage message;
        await using (var file = queue.OpenMessage(entry.Id))
        {
            message = await MimeMessage.LoadAsync(file, cancellationToken);
        }
        using (message)
        {
            // The null sender (MAIL FROM:<>, RFC 5321 §4.5.5): bounces forwarded to their original sender (reverse SRS).
            // MimeKit accepts an empty address for it and MailKit sends it as <>.
            MailboxAddress? sender = entry.Sender.Length == 0 ? new MailboxAddress("", "") : null;
            if (sender is null && !MailboxAddress.TryParse(ParserOptions.Default, entry.Sender, out sender))
            {
                return DeliveryResult.All(recipients, OutboundRecipientStatus.Failed, "553 5.1.7 sender address not usable for remote delivery", null);
            }
            var mailboxes = new List<MailboxAddress>();
            var results = new List<DeliveryResult>();
            foreach (var recipient in recipients)
            {
                if (MailboxAddress.TryParse(ParserOptions.Default, recipient, out var mailbox))
                {
                    mailboxes.Add(mailbox);
                }
                else
                {
                    results.Add(new(recipient, OutboundRecipientStatus.Failed, "553 5.1.3 bad recipient address syntax", null));
                }
            }
            if (mailboxes.Count == 0)
            {
                return results;
            }
            // RFC 6531 §3.2: a UTF-8 local part cannot be downgraded; without SMTPUTF8 at the next hop it fails.
            if (!client.Capabilities.HasFlag(SmtpCapabilities.UTF8) && (!IsAsciiLocalPart(entry.Sender) || mailboxes.Any(m => !IsAsciiLocalPart(m.Address))))
            {
                results.AddRange(DeliveryResult.All(mailboxes.Select(m => m.Address), OutboundRecipientStatus.Failed,
                    $"553 5.6.7 {where} does not support SMTPUTF8, required for a non-ASCII address", where));
                return results;
            }
            if (!client.Capabilities.HasFlag(SmtpCapabilities.EightBitMime) && !client.Capabilities.HasFlag(SmtpCapabilities.BinaryMime) && Needs8Bit(message))
            {
                // RFC 6152 §3: no 8-bit octets to a hop without 8BITMIME. MimeKit re-encodes the 8-bit parts as
                // quoted-printable or base64; the body changed, so the DKIM signature made at submission is made again.
                message.Prepare(EncodingConstraint.SevenBit, 78);
                dkim.Resign(entry.Sender, message);
            }
            client.Refused.Clear();
            client.Reusable = false;
            client.RequireTLS = entry.RequireTls;
            // DSN parameters are relayed (RFC 3461 §5.2) when the next hop offers DSN (MailKit sends them only then). ORCPT is
            // MailKit's own (rfc822;<the RCPT address>): its ORCPT hook is private in 4.18, so a submitted ORCPT is only echoed in our DSNs.
            client.EnvelopeId = entry.EnvelopeId;
            client.DeliveryStatusNotificationType = entry.Ret switch
            {
                "FULL" => DeliveryStatusNotificationType.Full,
                "HDRS" => DeliveryStatusNotificationType.HeadersOnly,
                _ => DeliveryStatusNotificationType.Unspecified,
            };
            client.Notify.Clear();
            foreach (var recipient in entry.Recipients.Where(r => r.Notify is not null))
            {
                client.Notify[recipient.Address] = recipient.Notify!;
            }
            // NOTIFY=SUCCESS: a next hop with DSN takes the duty over (RFC 3461 §5.2.2); without it we report "relayed" (§5.2.3).
            var successAction = client.Capabilities.HasFlag(SmtpCapabilities.Dsn) ? null : "relayed";
            try
            {
                var reply = await client.SendAsync(FormatOptions.Default, message, sender, mailboxes, cancellationToken);
                var refused = client.Refused;
                foreach (var mailbox in mailboxes)
                {
                    results.Add(refused.TryGetValue(mailbox.Address, out var r)
                        ? new(mailbox.Address, DeliveryResult.ForCode((int)r.StatusCode), $"{(int)r.StatusCode} {r.Response}", where)
                        : new(mailbox.Address, OutboundRecipientStatus.Delivered, "250 " + reply, where, successAction));
                }
                client.Reusable = true;
            }
            catch (RecordingSmtpClient.NoRecipientsAcceptedException)
            {
                foreach (var mailbox in mailboxes)
                {
                    var r = client.Refused[mailbox.Address];
                    results.Add(new(mailbox.Address, DeliveryResult.ForCode((int)r.StatusCode), $"{(int)r.StatusCode} {r.Response}", where));
                }
            }
            catch (SmtpCommandException ex)
            {
                // MAIL or DATA refused: the same answer for every recipient not already refused at RCPT.
                foreach (var mailbox in mailboxes)
                {
                    results.Add(client.Refused.TryGetValue(mailbox.Address, out var r)
                        ? new(mailbox.Address, DeliveryResult.ForCode((int)r.StatusCode), $"{(int)r.StatusCode} {r.Response}", where)
                        : new(mailbox.Address, DeliveryResult.ForCode((int)ex.StatusCode), $"{(int)ex.StatusCode} {ex.Message}", where));
                }
            }
            return results;
        }
    }

    /// <summary>True when a part is 8bit/binary, or unlabelled with 8-bit content or lines over 998 octets.</summary>
    private static bool Needs8Bit(MimeMessage message) =>
        message.BodyParts.OfType<MimePart>().Any(p => p.ContentTransferEncoding is ContentEncoding.EightBit or ContentEncoding.Binary
            || (p.ContentTransferEncoding is ContentEncoding.Default && p.GetBestEncoding(EncodingConstraint.SevenBit, 998) is not ContentEncoding.SevenBit));

    private static bool IsAsciiLocalPart(string address) => System.Text.Ascii.IsValid(address.AsSpan(0, Math.Max(0, address.LastIndexOf('@'))));

    /// <summary>MailKit's client, recording RCPT refusals instead of throwing on the first one.</summary>
    private sealed class RecordingSmtpClient : SmtpClient
    {
        public Dictionary<string, MailKit.Net.Smtp.SmtpResponse> Refused { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>True after a transaction that ended cleanly (the session is ready for the next MAIL).</summary>
        public bool Reusable { get; set; }

        /// <summary>True when the session is TLS with a certificate verified under a policy (may carry REQUIRETLS mail).</summary>
        public bool Verified { get; set; }

        /// <summary>BDAT whenever the server offers CHUNKING (RFC 3030), not only for binary content.</summary>
        protected override bool PreferSendAsBinaryData => true;

        /// <summary>ENVID to relay, or null.</summary>
        public string? EnvelopeId { get; set; }

        /// <summary>NOTIFY per recipient address to relay.</summary>
        public Dictionary<string, string> Notify { get; } = new(StringComparer.OrdinalIgnoreCase);

        protected override string? GetEnvelopeId(MimeMessage message) => EnvelopeId;

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
        {
            if (!Notify.TryGetValue(mailbox.Address, out var notify))
            {
                return null;
            }
            var result = DeliveryStatusNotification.Never;
            foreach (var value in notify.Split(','))
            {
                result |= value switch
                {
                    "SUCCESS" => DeliveryStatusNotification.Success,
                    "FAILURE" => DeliveryStatusNotification.Failure,
                    "DELAY" => DeliveryStatusNotification.Delay,
                    _ => DeliveryStatusNotification.Never,
                };
            }
            return result;
        }

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, MailKit.Net.Smtp.SmtpResponse response) =>
            Refused[mailbox.Address] = response;

        protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientsAcceptedException();

        public sealed class NoRecipientsAcceptedException : Exception
        {
            public NoRecipientsAcceptedException()
                : base("No recipient was accepted.")
            {
            }
        }
    }
}
