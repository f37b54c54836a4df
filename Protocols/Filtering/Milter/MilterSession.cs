using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using static Mail.Protocols.Filtering.Milter.MilterProtocol;

namespace Mail.Protocols.Filtering.Milter;

/// <summary>
/// One milter conversation for one message, as an MTA runs it after DATA: option negotiation (SMFIC_OPTNEG,
/// version 6), then connect, helo, mail, rcpt, the header fields, end of header, the body in 64 KiB chunks and
/// end of message, each preceded by its macros (SMFIC_MACRO) and skipped or not waited for as the milter
/// asked in its negotiation reply; then SMFIC_QUIT.
/// </summary>
/// <remarks>
/// Replies: SMFIR_CONTINUE goes on; SMFIR_ACCEPT ends with delivery; SMFIR_REJECT / SMFIR_TEMPFAIL /
/// SMFIR_DISCARD / SMFIR_REPLYCODE end with that decision, at any step (a recipient-level refusal refuses the
/// message: the recipients were accepted before DATA); SMFIR_SKIP stops the body; SMFIR_PROGRESS extends the
/// wait. At end of message the milter may first send SMFIR_ADDHEADER, SMFIR_INSHEADER, SMFIR_CHGHEADER,
/// SMFIR_REPLBODY and SMFIR_QUARANTINE; recipient and sender changes are not offered in the negotiation.
/// Header values are sent without the space after the colon, folded lines joined by LF (as Sendmail and Postfix do).
/// </remarks>
internal sealed class MilterSession
{
    private readonly MilterConnection _connection;
    private readonly MilterOptions _options;
    private uint _protocol;
    private uint _actions;

    private MilterSession(MilterConnection connection, MilterOptions options)
    {
        _connection = connection;
        _options = options;
    }

    /// <summary>Runs the conversation for <paramref name="message"/>.</summary>
    /// <exception cref="SocketException">The milter is unreachable.</exception>
    /// <exception cref="IOException">The connection broke.</exception>
    /// <exception cref="MilterProtocolException">The milter broke the protocol.</exception>
    public static async Task<MilterVerdict> RunAsync(ScannerEndpoint endpoint, MilterOptions options, ScanMessage message, CancellationToken cancellationToken)
    {
        await using var connection = await MilterConnection.OpenAsync(endpoint, options.MaxPacketOctets, cancellationToken);
        var session = new MilterSession(connection, options);
        var verdict = await session.ConverseAsync(message, cancellationToken);
        try
        {
            await connection.SendAsync(Quit, ReadOnlyMemory<byte>.Empty, cancellationToken);
        }
        catch (IOException)
        {
            // The milter may already have closed after its final reply.
        }
        return verdict;
    }

    private async Task<MilterVerdict> ConverseAsync(ScanMessage message, CancellationToken cancellationToken)
    {
        await NegotiateAsync(cancellationToken);
        var envelope = message.Envelope;
        var octets = Copy(message);
        var (fields, bodyStart) = Fields(octets);
        // Return-Path is added at delivery (RFC 5321 §4.4), not seen by milters; edits apply to the message without it.
        if (fields.Count > 0 && fields[0].Name.Equals("Return-Path", StringComparison.OrdinalIgnoreCase))
        {
            fields.RemoveAt(0);
        }
        var client = envelope?.Client;
        var address = client is null ? "127.0.0.1" : (client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address).ToString();
        var v6 = client is not null && client.Address.AddressFamily == AddressFamily.InterNetworkV6 && !client.Address.IsIPv4MappedToIPv6;
        var serverName = envelope?.ServerName ?? "localhost";
        var queueId = envelope?.QueueId ?? "";

        // connect: hostname, family ('4' or '6'), port, address (SMFIC_CONNECT).
        await MacrosAsync(Connect, cancellationToken, "j", serverName, "{daemon_name}", serverName, "{client_addr}", address,
            "{client_port}", (client?.Port ?? 0).ToString(CultureInfo.InvariantCulture), "_", $"[{address}]");
        if ((_protocol & NoConnect) == 0)
        {
            var data = new MemoryStream();
            data.Write(MilterConnection.Strings($"[{address}]"));
            data.WriteByte(v6 ? (byte)'6' : (byte)'4');
            var port = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(port, (ushort)(client?.Port ?? 0));
            data.Write(port);
            data.Write(MilterConnection.Strings(address));
            if (await StepAsync(Connect, data.ToArray(), NoReplyConnect, "connect", cancellationToken) is { } decided)
            {
                return decided;
            }
        }
        if ((_protocol & NoHelo) == 0 && await StepAsync(Helo, MilterConnection.Strings(envelope?.HeloName ?? serverName), NoReplyHelo, "helo", cancellationToken) is { } helo)
        {
            return helo;
        }
        var sender = envelope?.Sender ?? "";
        await MacrosAsync(MailFrom, cancellationToken, [.. MacroPairs("{mail_addr}", sender, "i", queueId), .. (envelope?.AuthenticatedUser is { } user ? new[] { "{auth_authen}", user } : [])]);
        if ((_protocol & NoMail) == 0 && await StepAsync(MailFrom, MilterConnection.Strings($"<{sender}>"), NoReplyMail, "mail", cancellationToken) is { } mail)
        {
            return mail;
        }
        foreach (var rcpt in envelope?.Recipients ?? [])
        {
            await MacrosAsync(Rcpt, cancellationToken, "{rcpt_addr}", rcpt);
            if ((_protocol & NoRcpt) == 0 && await StepAsync(Rcpt, MilterConnection.Strings($"<{rcpt}>"), NoReplyRcpt, "rcpt", cancellationToken) is { } refused)
            {
                return refused;
            }
        }
        if ((_protocol & NoData) == 0 && await StepAsync(Data, ReadOnlyMemory<byte>.Empty, NoReplyData, "data", cancellationToken) is { } data2)
        {
            return data2;
        }
        if ((_protocol & NoHeaders) == 0)
        {
            foreach (var (name, value) in fields)
            {
                if (await StepAsync(Header, MilterConnection.Strings(name, value), NoReplyHeader, "header", cancellationToken) is { } header)
                {
                    return header;
                }
            }
        }
        if ((_protocol & NoEoh) == 0 && await StepAsync(Eoh, ReadOnlyMemory<byte>.Empty, NoReplyEoh, "eoh", cancellationToken) is { } eoh)
        {
            return eoh;
        }
        if ((_protocol & NoBody) == 0 && bodyStart >= 0)
        {
            for (var at = bodyStart; at < octets.Length; at += ChunkOctets)
            {
                var chunk = octets.AsMemory(at, Math.Min(ChunkOctets, octets.Length - at));
                await _connection.SendAsync(Body, chunk, cancellationToken);
                if ((_protocol & NoReplyBody) != 0)
                {
                    continue;
                }
                var reply = await ReplyAsync(cancellationToken);
                if (reply.Command == Skip)
                {
                    break;
                }
                if (Final(reply, "body") is { } body)
                {
                    return body;
                }
            }
        }
        await MacrosAsync(BodyEob, cancellationToken, "i", queueId);
        await _connection.SendAsync(BodyEob, ReadOnlyMemory<byte>.Empty, cancellationToken);
        return await EndOfMessageAsync(cancellationToken);
    }

    private async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        var offer = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(offer, ProtocolVersion);
        BinaryPrimitives.WriteUInt32BigEndian(offer.AsSpan(4), OfferedActions);
        BinaryPrimitives.WriteUInt32BigEndian(offer.AsSpan(8), OfferedProtocol);
        await _connection.SendAsync(OptNeg, offer, cancellationToken);
        var reply = await _connection.ReadAsync(cancellationToken);
        if (reply.Command != OptNeg || reply.Data.Length < 12)
        {
            throw new MilterProtocolException($"expected an option negotiation reply, got '{(char)reply.Command}'");
        }
        var version = BinaryPrimitives.ReadUInt32BigEndian(reply.Data);
        _actions = BinaryPrimitives.ReadUInt32BigEndian(reply.Data.AsSpan(4));
        _protocol = BinaryPrimitives.ReadUInt32BigEndian(reply.Data.AsSpan(8));
        if (version is < 2 or > ProtocolVersion)
        {
            throw new MilterProtocolException($"milter protocol version {version} not supported");
        }
        if ((_actions & ~OfferedActions) != 0 || (_protocol & ~OfferedProtocol) != 0)
        {
            throw new MilterProtocolException($"the milter asked for actions 0x{_actions:x} / steps 0x{_protocol:x} beyond the offer");
        }
    }

    /// <summary>Sends one step and, unless the milter said it does not reply to it, reads the reply; a non-continue reply ends the conversation.</summary>
    private async Task<MilterVerdict?> StepAsync(byte command, ReadOnlyMemory<byte> data, uint noReply, string step, CancellationToken cancellationToken)
    {
        await _connection.SendAsync(command, data, cancellationToken);
        if ((_protocol & noReply) != 0)
        {
            return null;
        }
        return Final(await ReplyAsync(cancellationToken), step);
    }

    /// <summary>The next reply that is not SMFIR_PROGRESS.</summary>
    private async Task<MilterPacket> ReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var reply = await _connection.ReadAsync(cancellationToken);
            if (reply.Command != Progress)
            {
                return reply;
            }
        }
    }

    /// <summary>Null for SMFIR_CONTINUE; the decision for the final replies.</summary>
    private static MilterVerdict? Final(MilterPacket reply, string step, string? quarantine = null, IReadOnlyList<MessageEdit>? edits = null)
    {
        edits ??= [];
        return reply.Command switch
        {
            Continue => null,
            Accept => new MilterVerdict(MilterDecision.Accept, step, null, quarantine, edits),
            Reject => new MilterVerdict(MilterDecision.Reject, step, null, quarantine, edits),
            TempFail => new MilterVerdict(MilterDecision.Tempfail, step, null, quarantine, edits),
            Discard => new MilterVerdict(MilterDecision.Discard, step, null, quarantine, edits),
            ReplyCode => ReplyCodeVerdict(reply, step, quarantine, edits),
            Shutdown or ConnFail => new MilterVerdict(MilterDecision.Tempfail, step, null, quarantine, edits),
            _ => throw new MilterProtocolException($"unexpected reply '{(char)reply.Command}' at {step}"),
        };
    }

    private static MilterVerdict ReplyCodeVerdict(MilterPacket reply, string step, string? quarantine, IReadOnlyList<MessageEdit> edits)
    {
        var text = reply.Strings().FirstOrDefault() ?? "";
        text = new string(text.Where(c => c is >= ' ' and < '\x7f').ToArray()).Trim();
        if (text.Length < 3 || text[0] is not ('4' or '5') || !char.IsAsciiDigit(text[1]) || !char.IsAsciiDigit(text[2]))
        {
            throw new MilterProtocolException("SMFIR_REPLYCODE without a 4xx or 5xx code");
        }
        var decision = text[0] == '5' ? MilterDecision.Reject : MilterDecision.Tempfail;
        return new MilterVerdict(decision, step, text.Length > 200 ? text[..200] : text, quarantine, edits);
    }

    private async Task<MilterVerdict> EndOfMessageAsync(CancellationToken cancellationToken)
    {
        var edits = new List<MessageEdit>();
        MemoryStream? body = null;
        string? quarantine = null;
        while (true)
        {
            var reply = await ReplyAsync(cancellationToken);
            switch (reply.Command)
            {
                case AddHeader when (_actions & 0x01) != 0:
                {
                    var strings = reply.Strings();
                    edits.Add(new MessageEdit(MessageEditKind.AddHeader, HeaderName(strings, 0), strings.ElementAtOrDefault(1) ?? "", 0));
                    break;
                }
                case InsHeader when (_actions & 0x01) != 0 && reply.Data.Length >= 4:
                {
                    var strings = reply.Strings(4);
                    var index = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(reply.Data), int.MaxValue);
                    edits.Add(new MessageEdit(MessageEditKind.InsertHeader, HeaderName(strings, 0), strings.ElementAtOrDefault(1) ?? "", index));
                    break;
                }
                case ChgHeader when (_actions & 0x10) != 0 && reply.Data.Length >= 4:
                {
                    var strings = reply.Strings(4);
                    var index = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(reply.Data), int.MaxValue);
                    edits.Add(new MessageEdit(MessageEditKind.ChangeHeader, HeaderName(strings, 0), strings.ElementAtOrDefault(1) ?? "", index));
                    break;
                }
                case ReplBody when (_actions & 0x02) != 0:
                    body ??= new MemoryStream();
                    if (body.Length + reply.Data.Length > _options.MaxReplacedBodyOctets)
                    {
                        throw new MilterProtocolException($"replacement body larger than {_options.MaxReplacedBodyOctets} octets");
                    }
                    body.Write(reply.Data);
                    break;
                case MilterProtocol.Quarantine when (_actions & 0x20) != 0:
                    quarantine = reply.Strings().FirstOrDefault() ?? "";
                    break;
                case AddHeader or InsHeader or ChgHeader or ReplBody or MilterProtocol.Quarantine or AddRcpt or DelRcpt or AddRcptPar or ChgFrom:
                    throw new MilterProtocolException($"modification '{(char)reply.Command}' not negotiated");
                default:
                    if (body is not null)
                    {
                        edits.Add(new MessageEdit(MessageEditKind.ReplaceBody, "", "", 0, body.ToArray()));
                    }
                    return Final(reply, "eom", quarantine, edits) ?? new MilterVerdict(MilterDecision.Accept, "eom", null, quarantine, edits);
            }
        }
    }

    private static string HeaderName(List<string> strings, int index)
    {
        var name = strings.ElementAtOrDefault(index) ?? "";
        if (name.Length == 0 || name.Any(c => c is <= ' ' or ':' or >= '\x7f'))
        {
            throw new MilterProtocolException("header modification with an invalid field name");
        }
        return name;
    }

    private Task MacrosAsync(byte command, CancellationToken cancellationToken, params string[] pairs)
    {
        var data = new MemoryStream();
        data.WriteByte(command);
        data.Write(MilterConnection.Strings(pairs));
        return _connection.SendAsync(Macro, data.ToArray(), cancellationToken);
    }

    private static string[] MacroPairs(params string[] pairs) => pairs;

    private static byte[] Copy(ScanMessage message)
    {
        var octets = new byte[message.Length];
        var at = 0;
        foreach (var segment in message.Segments())
        {
            segment.Span.CopyTo(octets.AsSpan(at));
            at += segment.Length;
        }
        return octets;
    }

    /// <summary>The header fields as (name, value without leading white space, folds as LF) and the body offset (-1 when none).</summary>
    private static (List<(string Name, string Value)> Fields, int BodyStart) Fields(byte[] octets)
    {
        var fields = new List<(string, string)>();
        var position = 0;
        string? name = null;
        var value = new StringBuilder();
        while (position < octets.Length)
        {
            var lf = Array.IndexOf(octets, (byte)'\n', position);
            var lineEnd = lf < 0 ? octets.Length : lf + 1;
            var contentEnd = lf < 0 ? octets.Length : (lf > position && octets[lf - 1] == '\r' ? lf - 1 : lf);
            var line = Encoding.UTF8.GetString(octets, position, contentEnd - position);
            if (line.Length == 0 && lf >= 0)
            {
                Flush();
                return (fields, lineEnd);
            }
            if (line[0] is ' ' or '\t' && name is not null)
            {
                value.Append('\n').Append(line);
            }
            else
            {
                Flush();
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    name = line[..colon].TrimEnd();
                    value.Append(line.AsSpan(colon + 1).TrimStart(" \t"));
                }
            }
            position = lineEnd;
        }
        Flush();
        return (fields, -1);

        void Flush()
        {
            if (name is not null)
            {
                fields.Add((name, value.ToString()));
            }
            name = null;
            value.Clear();
        }
    }
}
