using System.Buffers;
using System.Globalization;
using System.Text;

namespace Mail.Protocols.Smtp.Outbound.Client;

/// <summary>One recipient of a transaction with its DSN parameters as received (RFC 3461 §4.1, §4.2).</summary>
/// <param name="Address">The RCPT address.</param>
/// <param name="Notify">NOTIFY as received (<c>SUCCESS,FAILURE</c>, <c>NEVER</c>), or null.</param>
/// <param name="OriginalRecipient">ORCPT xtext-decoded (<c>rfc822;addr</c>), or null.</param>
internal sealed record SmtpEnvelopeRecipient(string Address, string? Notify, string? OriginalRecipient);

/// <summary>The envelope of one transaction.</summary>
/// <param name="Sender">MAIL FROM address, empty for the null sender.</param>
/// <param name="Recipients">RCPT addresses in order.</param>
/// <param name="Ret">RET (<c>FULL</c>/<c>HDRS</c>) or null.</param>
/// <param name="EnvelopeId">ENVID as received (xtext) or null.</param>
/// <param name="RequireTls">Send <c>REQUIRETLS</c> on MAIL (RFC 8689 §4.1; the caller checked the extension).</param>
internal sealed record SmtpEnvelope(string Sender, IReadOnlyList<SmtpEnvelopeRecipient> Recipients, string? Ret, string? EnvelopeId, bool RequireTls);

/// <summary>
/// What a transaction got: the MAIL reply, one reply per recipient in envelope order (empty when MAIL was refused),
/// and the final reply to the message data (null when MAIL or every RCPT was refused). A recipient is delivered when
/// its RCPT reply and the data reply are 2yz.
/// </summary>
internal sealed record SmtpTransactionResult(SmtpReply Mail, IReadOnlyList<SmtpReply> Recipients, SmtpReply? Data);

internal sealed partial class SmtpDeliveryClient
{
    private static ReadOnlySpan<byte> EndOfData => ".\r\n"u8;

    /// <summary>
    /// One transaction (RFC 5321 §3.3): MAIL with SIZE, BODY=8BITMIME, SMTPUTF8, RET, ENVID and REQUIRETLS as the
    /// server offers and the message needs; RCPT with NOTIFY and ORCPT (as given, else <c>rfc822;</c> the RCPT address,
    /// RFC 3461 §5.2.1 c-d) when it offers DSN; MAIL and RCPT in one batch with PIPELINING (RFC 2920); then BDAT when
    /// it offers CHUNKING (RFC 3030), else DATA with dot-stuffing. After a refused MAIL, no accepted RCPT or a refused
    /// DATA the transaction is reset (RSET), so the session stays usable.
    /// </summary>
    /// <param name="envelope">Sender, recipients, DSN parameters.</param>
    /// <param name="message">The message with CRLF line ends.</param>
    /// <param name="cancellationToken">Cancels the transaction (the session is then unusable).</param>
    /// <exception cref="SmtpClientProtocolException">Timeout, closed connection or bad reply.</exception>
    public async Task<SmtpTransactionResult> SendAsync(SmtpEnvelope envelope, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var mail = MailCommand(envelope, message.Span);
        var rcpts = envelope.Recipients.Select(RcptCommand).ToList();
        SmtpReply mailReply;
        var replies = new List<SmtpReply>(rcpts.Count);
        if (Extensions.HasFlag(SmtpServerExtensions.Pipelining))
        {
            var batch = new StringBuilder(mail).Append("\r\n");
            foreach (var rcpt in rcpts)
            {
                batch.Append(rcpt).Append("\r\n");
            }
            await WriteAsync(Encoding.UTF8.GetBytes(batch.ToString()), cancellationToken);
            mailReply = await ReadReplyAsync(cancellationToken);
            foreach (var _ in rcpts)
            {
                replies.Add(await ReadReplyAsync(cancellationToken));
            }
            if (!mailReply.IsSuccess)
            {
                // RFC 2920 §3.1: the RCPT replies after a refused MAIL are read and mean nothing.
                replies.Clear();
            }
        }
        else
        {
            mailReply = await CommandAsync(mail, cancellationToken);
            if (mailReply.IsSuccess)
            {
                foreach (var rcpt in rcpts)
                {
                    replies.Add(await CommandAsync(rcpt, cancellationToken));
                }
            }
        }
        if (!mailReply.IsSuccess || !replies.Any(r => r.IsSuccess))
        {
            await ResetAsync(cancellationToken);
            return new SmtpTransactionResult(mailReply, replies, null);
        }
        SmtpReply data;
        if (Extensions.HasFlag(SmtpServerExtensions.Chunking))
        {
            await WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"BDAT {message.Length} LAST\r\n")), cancellationToken);
            await WriteAsync(message, cancellationToken);
            data = await ReadReplyAsync(cancellationToken);
        }
        else
        {
            var go = await CommandAsync("DATA", cancellationToken);
            if (go.Code != 354)
            {
                await ResetAsync(cancellationToken);
                return new SmtpTransactionResult(mailReply, replies, go);
            }
            await WriteAsync(DotStuff(message.Span), cancellationToken);
            data = await ReadReplyAsync(cancellationToken);
        }
        return new SmtpTransactionResult(mailReply, replies, data);
    }

    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        if (IsConnected && !(await CommandAsync("RSET", cancellationToken)).IsSuccess)
        {
            Break();
        }
    }

    private string MailCommand(SmtpEnvelope envelope, ReadOnlySpan<byte> message)
    {
        var utf8 = Extensions.HasFlag(SmtpServerExtensions.SmtpUtf8)
            && (!Ascii.IsValid(envelope.Sender) || envelope.Recipients.Any(r => !Ascii.IsValid(r.Address)) || !Ascii.IsValid(Headers(message)));
        var command = new StringBuilder("MAIL FROM:<").Append(Address(envelope.Sender)).Append('>');
        if (Extensions.HasFlag(SmtpServerExtensions.Size))
        {
            command.Append(CultureInfo.InvariantCulture, $" SIZE={message.Length}");
        }
        if (Extensions.HasFlag(SmtpServerExtensions.EightBitMime) && !Ascii.IsValid(message))
        {
            command.Append(" BODY=8BITMIME");
        }
        if (utf8)
        {
            command.Append(" SMTPUTF8");
        }
        if (Extensions.HasFlag(SmtpServerExtensions.Dsn))
        {
            if (envelope.Ret is not null)
            {
                command.Append(" RET=").Append(envelope.Ret);
            }
            if (envelope.EnvelopeId is not null)
            {
                // Kept as received: it is xtext already (RFC 3461 §4.4), relayed unchanged (§5.2.1 e).
                command.Append(" ENVID=").Append(IsXtext(envelope.EnvelopeId) ? envelope.EnvelopeId : Xtext(envelope.EnvelopeId));
            }
        }
        if (envelope.RequireTls)
        {
            command.Append(" REQUIRETLS");
        }
        return command.ToString();
    }

    private string RcptCommand(SmtpEnvelopeRecipient recipient)
    {
        var command = new StringBuilder("RCPT TO:<").Append(Address(recipient.Address)).Append('>');
        if (Extensions.HasFlag(SmtpServerExtensions.Dsn))
        {
            if (recipient.Notify is not null)
            {
                command.Append(" NOTIFY=").Append(recipient.Notify);
            }
            // RFC 3461 §5.2.1 (c) an ORCPT received is relayed with the same value; (d) else one MAY be added with
            // the address as received, which keeps the original address when a forward changed it.
            var original = recipient.OriginalRecipient ?? "rfc822;" + recipient.Address;
            var semicolon = original.IndexOf(';', StringComparison.Ordinal);
            if (semicolon > 0)
            {
                command.Append(" ORCPT=").Append(original.AsSpan(0, semicolon)).Append(';').Append(Xtext(original[(semicolon + 1)..]));
            }
        }
        return command.ToString();
    }

    /// <summary>The address for MAIL/RCPT: as is with SMTPUTF8, else the domain in A-labels (RFC 5890).</summary>
    private string Address(string address)
    {
        var at = address.LastIndexOf('@');
        if (at < 0 || Extensions.HasFlag(SmtpServerExtensions.SmtpUtf8) || Ascii.IsValid(address.AsSpan(at)))
        {
            return address;
        }
        try
        {
            return string.Concat(address.AsSpan(0, at + 1), new IdnMapping().GetAscii(address[(at + 1)..]));
        }
        catch (ArgumentException)
        {
            return address;
        }
    }

    /// <summary>The header section (up to the first empty line).</summary>
    private static ReadOnlySpan<byte> Headers(ReadOnlySpan<byte> message)
    {
        var end = message.IndexOf("\r\n\r\n"u8);
        return end < 0 ? message : message[..end];
    }

    /// <summary>True when <paramref name="value"/> is valid xtext (RFC 3461 §4: printable ASCII but <c>+</c> and <c>=</c>, or <c>+HH</c>).</summary>
    private static bool IsXtext(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '+')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigitUpper(value[i + 1]) || !char.IsAsciiHexDigitUpper(value[i + 2]))
                {
                    return false;
                }
                i += 2;
            }
            else if (c is < '!' or > '~' or '=')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>xtext encoding (RFC 3461 §4) of the UTF-8 octets of <paramref name="value"/>.</summary>
    internal static string Xtext(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'!' and <= (byte)'~' and not (byte)'+' and not (byte)'=')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('+').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    /// <summary>The DATA form of <paramref name="message"/> (RFC 5321 §4.5.2): a dot doubled at each line start, CRLF at the end, then <c>.CRLF</c>.</summary>
    internal static byte[] DotStuff(ReadOnlySpan<byte> message)
    {
        var output = new ArrayBufferWriter<byte>(message.Length + 64);
        var lineStart = true;
        while (!message.IsEmpty)
        {
            if (lineStart && message[0] == (byte)'.')
            {
                output.Write("."u8);
            }
            var newline = message.IndexOf((byte)'\n');
            var line = newline < 0 ? message : message[..(newline + 1)];
            output.Write(line);
            message = message[line.Length..];
            lineStart = newline >= 0;
        }
        if (!lineStart)
        {
            output.Write("\r\n"u8);
        }
        output.Write(EndOfData);
        return output.WrittenSpan.ToArray();
    }
}
