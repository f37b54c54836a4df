using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Smtp.Outbound.Client;
using Mail.Protocols.Smtp.Outbound.Dkim;
using Mail.Protocols.Smtp.Outbound.Tls;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>
/// Delivers a message to the recipients of one domain over SMTP with our <see cref="SmtpDeliveryClient"/>:
/// the route from <see cref="OutboundOptions.Routes"/> or the MX hosts (<see cref="OutboundDns"/>) in
/// preference order, every address of each host until one takes the transaction; STARTTLS whenever offered
/// (opportunistic, RFC 7435: certificates are not verified) unless the host's <see cref="OutboundTlsPolicy"/> (DANE,
/// MTA-STS enforce, REQUIRETLS; <see cref="TlsPolicyResolver"/>) requires TLS with a verified certificate
/// (<c>451 4.7.5</c> per host when it fails); REQUIRETLS relayed and required of the next hop (<c>550 5.7.30</c>);
/// 8BITMIME downgraded to 7bit by MimeKit, and the DKIM signature made again, for a hop without 8BITMIME; BDAT when
/// CHUNKING is offered (RFC 3030); DSN parameters relayed to a hop with DSN (NOTIFY, RET, ENVID, and ORCPT as given or
/// added, RFC 3461 §5.2.1); AUTH only at the smarthost. Results are per recipient: RCPT refusals are recorded, not thrown.
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
            await idle.Client.DisposeAsync();
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
            var (policy, refusal, refusalType) = await policies.ForHostAsync(entry, domain, host, port, !routed, stsPolicy, cancellationToken);
            if (policy is null)
            {
                if (!routed)
                {
                    // A DANE refusal is reported under a tlsa policy of the host, an MTA-STS one under the domain's policy.
                    var reportPolicy = refusalType == TlsReporting.TlsResultType.ValidationFailure
                        ? TlsReporting.TlsReportPolicy.For(domain, stsPolicy, null)
                        : new TlsReporting.TlsReportPolicy(domain.TrimEnd('.').ToLowerInvariant(), TlsReporting.TlsReportPolicy.Tlsa, [], [host]);
                    reports.RecordFailure(reportPolicy, refusalType!, null, host, null, refusal);
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
        // Opportunistic TLS (RFC 7435, RFC 3207 §4.1) takes any certificate: an MTA without DANE or MTA-STS policy
        // cannot know the right one, and refusing a bad one would only push the message to clear text. A policy
        // that requires TLS verifies it (CertificateVerifier).
        System.Net.Security.RemoteCertificateValidationCallback validate = (_, certificate, chain, _) =>
        {
            var ok = verifier.Verify(policy, certificate, chain, out var error);
            tlsError = ok ? null : error;
            return ok;
        };
        var required = policy.Requirement != TlsRequirement.Opportunistic;
        SmtpDeliveryClient client;
        try
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
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
            client = await SmtpDeliveryClient.ConnectAsync(socket, host, _helo, required ? SmtpTlsMode.Required : SmtpTlsMode.WhenAvailable, validate,
                TimeSpan.FromSeconds(_options.CommandTimeoutSeconds), cancellationToken);
        }
        catch (SmtpClientTlsException ex) when (required)
        {
            var reason = ex.NotOffered ? "STARTTLS not offered" : tlsError ?? ex.Message;
            if (reportPolicy is not null)
            {
                var type = ex.NotOffered ? TlsReporting.TlsResultType.StartTlsNotSupported : TlsReporting.TlsResultType.OfCertificateError(tlsError);
                reports.RecordFailure(reportPolicy, type, sendingIp, host, address.ToString(), tlsError);
            }
            return (null, $"{policy.Source}: TLS to {where} required: {reason}", false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpClientCommandException or SmtpClientTlsException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (reportPolicy is not null && ex is SmtpClientTlsException)
            {
                reports.RecordFailure(reportPolicy, TlsReporting.TlsResultType.ValidationFailure, sendingIp, host, address.ToString(), "TLS handshake failed");
            }
            return (null, $"connect to {where}: {ex.Message}", false);
        }
        try
        {
            client.Verified = policy.Verifies;
            if (reportPolicy is not null)
            {
                // RFC 8460 §4.4: a success is a session that negotiated TLS; without STARTTLS offered, a failure.
                if (client.IsSecure && policy.ReportAs is null)
                {
                    reports.RecordSuccess(reportPolicy);
                }
                else if (client.IsSecure)
                {
                    reports.RecordFailure(reportPolicy, policy.ReportAs!, sendingIp, host, address.ToString(), null);
                }
                else
                {
                    reports.RecordFailure(reportPolicy, TlsReporting.TlsResultType.StartTlsNotSupported, sendingIp, host, address.ToString(), null);
                }
            }
            if (entry.RequireTls && !client.Extensions.HasFlag(SmtpServerExtensions.RequireTls))
            {
                await client.QuitAsync(cancellationToken);
                return (null, $"{where} does not offer REQUIRETLS", true);
            }
            if (smarthost && _options.SmarthostUser.Length > 0)
            {
                await client.AuthenticateAsync(new NetworkCredential(_options.SmarthostUser, _options.SmarthostPassword), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpClientCommandException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await client.DisposeAsync();
            return (null, $"connect to {where}: {ex.Message}", false);
        }

        List<DeliveryResult> results;
        try
        {
            results = await SendAsync(client, entry, where, recipients, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await client.DisposeAsync();
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
    private async Task<List<DeliveryResult>?> TrySendAsync(SmtpDeliveryClient client, OutboundQueueEntry entry, string where, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        try
        {
            var results = await SendAsync(client, entry, where, recipients, cancellationToken);
            return results.Any(r => r.Reply.StartsWith("421", StringComparison.Ordinal)) ? null : results;
        }
        catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private async Task<List<DeliveryResult>> SendAsync(SmtpDeliveryClient client, OutboundQueueEntry entry, string where, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        client.Reusable = false;
        var results = new List<DeliveryResult>();
        var valid = new List<OutboundRecipient>();
        foreach (var recipient in recipients)
        {
            var queued = entry.Recipients.Find(r => string.Equals(r.Address, recipient, StringComparison.OrdinalIgnoreCase));
            if (MailboxAddress.TryParse(ParserOptions.Default, recipient, out _) && recipient.Contains('@', StringComparison.Ordinal))
            {
                valid.Add(queued ?? new OutboundRecipient { Address = recipient });
            }
            else
            {
                results.Add(new(recipient, OutboundRecipientStatus.Failed, "553 5.1.3 bad recipient address syntax", null));
            }
        }
        if (entry.Sender.Length > 0 && !MailboxAddress.TryParse(ParserOptions.Default, entry.Sender, out _))
        {
            return DeliveryResult.All(recipients, OutboundRecipientStatus.Failed, "553 5.1.7 sender address not usable for remote delivery", null);
        }
        if (valid.Count == 0)
        {
            return results;
        }
        // RFC 6531 §3.2: a UTF-8 local part cannot be downgraded; without SMTPUTF8 at the next hop it fails.
        if (!client.Extensions.HasFlag(SmtpServerExtensions.SmtpUtf8) && (!IsAsciiLocalPart(entry.Sender) || valid.Any(r => !IsAsciiLocalPart(r.Address))))
        {
            results.AddRange(DeliveryResult.All(valid.Select(r => r.Address), OutboundRecipientStatus.Failed,
                $"553 5.6.7 {where} does not support SMTPUTF8, required for a non-ASCII address", where));
            return results;
        }
        var message = await WireMessageAsync(entry, client.Extensions.HasFlag(SmtpServerExtensions.EightBitMime), cancellationToken);
        var envelope = new SmtpEnvelope(entry.Sender, valid.Select(r => new SmtpEnvelopeRecipient(r.Address, r.Notify, r.OriginalRecipient)).ToList(),
            entry.Ret, entry.EnvelopeId, entry.RequireTls);
        var outcome = await client.SendAsync(envelope, message, cancellationToken);
        // NOTIFY=SUCCESS: a next hop with DSN takes the duty over (RFC 3461 §5.2.2); without it we report "relayed" (§5.2.3).
        var successAction = client.Extensions.HasFlag(SmtpServerExtensions.Dsn) ? null : "relayed";
        for (var i = 0; i < valid.Count; i++)
        {
            var reply = !outcome.Mail.IsSuccess ? outcome.Mail
                : !outcome.Recipients[i].IsSuccess ? outcome.Recipients[i]
                : outcome.Data ?? outcome.Mail;
            results.Add(reply.IsSuccess && outcome.Data is not null
                ? new(valid[i].Address, OutboundRecipientStatus.Delivered, reply.ToString(), where, successAction)
                : new(valid[i].Address, DeliveryResult.ForCode(reply.Code), reply.ToString(), where));
        }
        client.Reusable = outcome.Data is { IsSuccess: true } && client.IsConnected;
        return results;
    }

    /// <summary>
    /// The queued message as sent: its octets with CRLF line ends; for a hop without 8BITMIME (RFC 6152 §3), 8-bit
    /// parts re-encoded by MimeKit as quoted-printable or base64 and the DKIM signature made again (the body changed).
    /// </summary>
    private async Task<ReadOnlyMemory<byte>> WireMessageAsync(OutboundQueueEntry entry, bool eightBitMime, CancellationToken cancellationToken)
    {
        byte[] raw;
        await using (var file = queue.OpenMessage(entry.Id))
        {
            using var copy = new MemoryStream();
            await file.CopyToAsync(copy, cancellationToken);
            raw = copy.ToArray();
        }
        if (eightBitMime || (System.Text.Ascii.IsValid(raw) && !HasLongLine(raw)))
        {
            return WireLines.ToCrlf(raw);
        }
        using var message = await MimeMessage.LoadAsync(new MemoryStream(raw), cancellationToken);
        if (Needs8Bit(message))
        {
            message.Prepare(EncodingConstraint.SevenBit, 78);
            dkim.Resign(entry.Sender, message);
        }
        using var output = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        await message.WriteToAsync(format, output, cancellationToken);
        return WireLines.ToCrlf(output.ToArray());
    }

    /// <summary>True when a line is over 998 octets (RFC 5322 §2.1.1).</summary>
    private static bool HasLongLine(ReadOnlySpan<byte> raw)
    {
        while (!raw.IsEmpty)
        {
            var newline = raw.IndexOf((byte)'\n');
            if ((newline < 0 ? raw.Length : newline) > 999)
            {
                return true;
            }
            raw = newline < 0 ? default : raw[(newline + 1)..];
        }
        return false;
    }

    /// <summary>True when a part is 8bit/binary, or unlabelled with 8-bit content or lines over 998 octets.</summary>
    private static bool Needs8Bit(MimeMessage message) =>
        message.BodyParts.OfType<MimePart>().Any(p => p.ContentTransferEncoding is ContentEncoding.EightBit or ContentEncoding.Binary
            || (p.ContentTransferEncoding is ContentEncoding.Default && p.GetBestEncoding(EncodingConstraint.SevenBit, 998) is not ContentEncoding.SevenBit));

    private static bool IsAsciiLocalPart(string address) => System.Text.Ascii.IsValid(address.AsSpan(0, Math.Max(0, address.LastIndexOf('@'))));
}
