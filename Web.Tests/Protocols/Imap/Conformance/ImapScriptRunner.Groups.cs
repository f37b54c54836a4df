using System.Globalization;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

public sealed partial class ImapScriptRunner
{
    private async Task RunGroupsAsync(CancellationToken cancellationToken)
    {
        for (var i = _script.HasBannerCheck ? 1 : 0; i < _script.Groups.Count; i++)
        {
            var group = _script.Groups[i];
            var connection = _connections[group.Connection];
            if (connection.Closed)
            {
                throw new ImapTestFailedException($"line {group.Commands[0].LineNumber}: connection {connection.Number} is already closed");
            }
            _sequenceMap = Enumerable.Range(1, Math.Max(0, connection.MessageCount)).ToList();
            await RunGroupAsync(group, connection, cancellationToken);
            if (group.SleepMilliseconds > 0)
            {
                await Task.Delay(group.SleepMilliseconds, cancellationToken);
            }
        }
    }

    private async Task RunGroupAsync(ImapTestGroup group, ImapScriptConnection connection, CancellationToken cancellationToken)
    {
        var state = new GroupState(group);
        var pending = new Dictionary<string, ImapTestCommand>(StringComparer.Ordinal);
        var senders = new Queue<(string Tag, LiteralSender Sender, bool Started)>();
        foreach (var command in group.Commands)
        {
            var tag = NextTag(connection);
            state.FirstTag ??= tag;
            pending[tag] = command;
            senders.Enqueue((tag, new LiteralSender(tag + " " + BuildCommand(command) + "\r\n", HasLiteralPlus(connection)), false));
        }
        await SendMoreAsync(connection, senders, cancellationToken);

        while (pending.Count > 0)
        {
            var response = await ReadAsync(connection, cancellationToken);
            if (response is null)
            {
                if (group.HasBye && connection.SeenBye)
                {
                    foreach (var command in pending.Values.Where(c => c.Reply is not [{ Kind: ImapTestArgKind.Atom, Text: "" }]))
                    {
                        Fail($"line {command.LineNumber}: command expected '{ImapTestArg.Join(command.Reply!)}' as tagged reply - only \"\" allowed when BYE happens");
                    }
                    break;
                }
                throw new ImapTestFailedException($"line {group.Commands[0].LineNumber}: unexpected disconnection");
            }
            if (response.IsContinuation)
            {
                if (senders.Count == 0 || !senders.Peek().Sender.HasMore)
                {
                    throw new ImapTestFailedException("Unexpected command continuation");
                }
                await SendAsync(connection, senders.Peek().Sender.Next()!, cancellationToken);
                if (!senders.Peek().Sender.HasMore)
                {
                    senders.Dequeue();
                    await SendMoreAsync(connection, senders, cancellationToken);
                }
                continue;
            }
            if (response.IsUntagged)
            {
                MatchUntagged(group, response, state.Found, out var matched, state);
                if (!matched)
                {
                    state.Mismatches++;
                    if (!_script.IgnoreExtraUntagged && state.FirstExtra is null)
                    {
                        state.FirstExtra = response.Raw;
                    }
                }
                Track(connection, response);
                continue;
            }
            if (!pending.Remove(response.Tag, out var finished))
            {
                throw new ImapTestFailedException("Unexpected tagged reply: " + response.Raw);
            }
            _matcher.Variables["tag"] = response.Tag;
            var result = _matcher.MatchArgs(finished.Reply!, 0, response.Args, 0, ImapTestMatcher.Match, prefix: true);
            _matcher.Variables.Remove("tag");
            if (result != ImapTestMatcher.Match)
            {
                Fail($"line {finished.LineNumber}: {finished.Text.Split("\r\n")[0]}\n - expected tagged reply '{ImapTestArg.Join(finished.Reply!)}', got '{ImapTestArg.Escape(response.Raw)}'");
            }
            if (senders.Count > 0 && senders.Peek().Tag == response.Tag)
            {
                // Rejected before its literal went out.
                senders.Dequeue();
                await SendMoreAsync(connection, senders, cancellationToken);
            }
        }
        FinishGroup(group, state);
    }

    private async Task SendMoreAsync(ImapScriptConnection connection, Queue<(string Tag, LiteralSender Sender, bool Started)> senders, CancellationToken cancellationToken)
    {
        while (senders.Count > 0)
        {
            var (tag, sender, started) = senders.Peek();
            if (!started)
            {
                await SendAsync(connection, sender.First, cancellationToken);
                senders.Dequeue();
                if (sender.HasMore)
                {
                    // Wait for "+" before the literal; keep it first in the queue.
                    var rest = senders.ToList();
                    senders.Clear();
                    senders.Enqueue((tag, sender, true));
                    foreach (var item in rest)
                    {
                        senders.Enqueue(item);
                    }
                    return;
                }
                continue;
            }
            return;
        }
    }

    private string BuildCommand(ImapTestCommand command)
    {
        var text = _matcher.ExpandAll(command.Text);
        if (text.Equals("append", StringComparison.OrdinalIgnoreCase))
        {
            var (message, date) = _mbox.Next();
            return $"APPEND {Quote(_target.Mailbox)} \"{ImapTestMbox.FormatDateTime(date)}\" {{{message.Length.ToString(CultureInfo.InvariantCulture)}}}\r\n{message}";
        }
        if (text.StartsWith("append ", StringComparison.OrdinalIgnoreCase) && !AppendHasBody(text[7..]))
        {
            var (message, _) = _mbox.Next();
            return $"APPEND {text[7..]} {{{message.Length.ToString(CultureInfo.InvariantCulture)}}}\r\n{message}";
        }
        return text;
    }

    private static bool AppendHasBody(string arguments)
    {
        var args = ImapTestArg.Parse(arguments);
        if (args.Count == 0)
        {
            return false;
        }
        var i = 0;
        if (i + 1 < args.Count && args[i + 1].Kind == ImapTestArgKind.List)
        {
            i++;
        }
        if (i + 1 < args.Count && args[i + 1].Kind == ImapTestArgKind.String)
        {
            i++;
        }
        return i + 1 < args.Count && (args[i + 1].Kind == ImapTestArgKind.Literal || (args[i + 1].Kind == ImapTestArgKind.Atom && args[i + 1].Text.Equals("catenate", StringComparison.OrdinalIgnoreCase)));
    }

    private void MatchUntagged(ImapTestGroup group, ImapScriptResponse response, bool[] found, out bool matched, GroupState? state = null)
    {
        matched = group.Untagged.Count == 0;
        if (group.Untagged.Count == 0)
        {
            return;
        }
        var args = response.Args;
        var prefix = args.Count > 0 && args[0].Kind == ImapTestArgKind.Atom && args[0].Text.ToUpperInvariant() is "OK" or "NO" or "BAD" or "BYE";
        _matcher.KeepAdded();
        for (var i = 0; i < group.Untagged.Count; i++)
        {
            if (found[i])
            {
                continue;
            }
            var expected = group.Untagged[i];
            if (state?.FirstTag is { } tag)
            {
                _matcher.Variables["tag"] = tag;
            }
            var count = _matcher.MatchArgs(expected.Args, 0, args, 0, ImapTestMatcher.Match, prefix);
            _matcher.Variables.Remove("tag");
            if (count == ImapTestMatcher.Match)
            {
                if (expected.Existence == ImapTestExistence.MustNotExist)
                {
                    Fail($"line {group.Commands.FirstOrDefault()?.LineNumber}: unexpected untagged match\n - match: {expected}\n - reply: {ImapTestArg.Escape(response.Raw)}");
                    matched = true;
                    return;
                }
                found[i] = true;
                matched = true;
                _matcher.KeepAdded();
                if (group.Ordered)
                {
                    break;
                }
                continue;
            }
            if (state is not null && state.Best[i].Count < count)
            {
                state.Best[i] = (count, response.Raw);
            }
            _matcher.RevertAdded();
            if (group.Ordered && expected.Existence == ImapTestExistence.MustExist)
            {
                break;
            }
        }
    }

    private void FinishGroup(ImapTestGroup group, GroupState state)
    {
        var line = group.Commands.FirstOrDefault()?.LineNumber ?? 0;
        var missing = Enumerable.Range(0, group.Untagged.Count)
            .Where(i => group.Untagged[i].Existence == ImapTestExistence.MustExist && !state.Found[i]).ToList();
        if (missing.Count > 0)
        {
            var first = group.Untagged[missing[0]];
            Fail($"line {line}: {group.Commands.FirstOrDefault()?.Text.Split("\r\n")[0]}\n - missing {missing.Count} untagged replies ({state.Mismatches} mismatches)\n"
                + $" - first unexpanded: {first}\n - first expanded: {_matcher.ExpandAll(first.ToString(), lenient: true)}\n - best match: {ImapTestArg.Escape(state.Best[missing[0]].Text ?? "")}");
        }
        if (state.FirstExtra is not null)
        {
            Fail($"line {line}: {state.Mismatches} unexpected untagged replies received, first: {ImapTestArg.Escape(state.FirstExtra)}");
        }
        foreach (var output in group.Output)
        {
            _transcript.Append("output: ").Append(_matcher.ExpandAll(output, lenient: true)).Append('\n');
        }
    }

    private sealed class GroupState(ImapTestGroup group)
    {
        public bool[] Found { get; } = new bool[group.Untagged.Count];

        public (int Count, string? Text)[] Best { get; } = new (int, string?)[group.Untagged.Count];

        public string? FirstTag { get; set; }

        public int Mismatches { get; set; }

        public string? FirstExtra { get; set; }
    }
}
