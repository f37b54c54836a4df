using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>Where the scripts run: an IMAP server and the accounts to log in with.</summary>
public sealed record ImapScriptTarget(string Host, int Port, IReadOnlyList<(string User, string Password)> Users, string Mailbox = "imaptest");

/// <summary>How a script ended.</summary>
public enum ImapScriptOutcome
{
    Passed,
    Failed,

    /// <summary>The server lacks a capability the script requires (imaptest "skipped").</summary>
    NotApplicable,
}

/// <summary>The outcome of one script, with the failures and a transcript for diagnosis.</summary>
public sealed record ImapScriptResult(string Name, ImapScriptOutcome Outcome, IReadOnlyList<string> Failures, string Transcript, IReadOnlyList<string> MissingCapabilities)
{
    public override string ToString() => Outcome switch
    {
        ImapScriptOutcome.Passed => $"{Name}: passed",
        ImapScriptOutcome.NotApplicable => $"{Name}: not applicable (needs {string.Join(' ', MissingCapabilities)})",
        _ => $"{Name}: FAILED\n{string.Join("\n", Failures)}",
    };
}

/// <summary>
/// Executes an <see cref="ImapTestScript"/> against a server over sockets, like imaptest's
/// test-exec.c: brings the connections to the script's start state (login, delete the test
/// mailboxes, create, append from the mbox, select), then sends each command group and matches the
/// untagged and tagged replies.
/// </summary>
public sealed partial class ImapScriptRunner
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly ImapTestScript _script;
    private readonly ImapScriptTarget _target;
    private readonly ImapTestMatcher _matcher = new();
    private readonly ImapTestMbox _mbox;
    private readonly List<string> _failures = [];
    private readonly StringBuilder _transcript = new();
    private readonly ImapScriptConnection[] _connections;
    private readonly int[] _tagCounters;
    private List<int> _sequenceMap = [];
    private bool _setupDone;

    private ImapScriptRunner(ImapTestScript script, ImapScriptTarget target)
    {
        _script = script;
        _target = target;
        _mbox = new ImapTestMbox(script.MboxPath);
        _connections = new ImapScriptConnection[script.Connections];
        _tagCounters = new int[script.Connections];
        _matcher.RelativeSequence = RelativeSequence;
        _matcher.CheckModseqOrder = script.ModseqVariablesOrdered;
    }

    /// <summary>Runs <paramref name="script"/> against <paramref name="target"/>.</summary>
    public static async Task<ImapScriptResult> RunAsync(ImapTestScript script, ImapScriptTarget target, CancellationToken cancellationToken)
    {
        var runner = new ImapScriptRunner(script, target);
        try
        {
            var missing = await runner.SetUpAsync(cancellationToken);
            if (missing.Count > 0)
            {
                return new ImapScriptResult(script.Name, ImapScriptOutcome.NotApplicable, [], runner._transcript.ToString(), missing);
            }
            runner._setupDone = true;
            await runner.RunGroupsAsync(cancellationToken);
        }
        catch (ImapTestFailedException ex)
        {
            runner.Fail(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or FormatException)
        {
            runner.Fail("Aborted: " + ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            foreach (var connection in runner._connections)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
        }
        var outcome = runner._failures.Count == 0 ? ImapScriptOutcome.Passed : ImapScriptOutcome.Failed;
        return new ImapScriptResult(script.Name, outcome, runner._failures, runner._transcript.ToString(), []);
    }

    private (string User, string Password) Account(int index)
    {
        if (_script.Users.TryGetValue(index, out var user))
        {
            if (user is "$user2" or "${user2}")
            {
                return _target.Users[Math.Min(1, _target.Users.Count - 1)];
            }
            var known = _target.Users.FirstOrDefault(u => u.User == user);
            return (user, known.Password ?? _target.Users[0].Password);
        }
        return _target.Users[0];
    }

    private void Fail(string message)
    {
        var where = _setupDone ? "" : "initialization: ";
        _failures.Add(where + message);
        _transcript.Append("*** ").Append(where).Append(message).Append('\n');
    }

    private async Task<List<string>> SetUpAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < _connections.Length; i++)
        {
            var (user, password) = Account(i);
            var suffix = i == 0 ? "" : (i + 1).ToString(CultureInfo.InvariantCulture);
            _matcher.Variables["user" + suffix] = user;
            _matcher.Variables["username" + suffix] = user.Split('@')[0];
            _matcher.Variables["domain" + suffix] = user.Contains('@', StringComparison.Ordinal) ? user[(user.IndexOf('@', StringComparison.Ordinal) + 1)..] : _target.Host;
            _matcher.Variables["password" + suffix] = password;
        }
        _matcher.Variables["mailbox"] = _target.Mailbox;
        _matcher.Variables["mailbox_url"] = Uri.EscapeDataString(_target.Mailbox);

        for (var i = 0; i < _connections.Length; i++)
        {
            var connection = await ImapScriptConnection.ConnectAsync(_target.Host, _target.Port, i + 1, cancellationToken);
            _connections[i] = connection;
            var greeting = await ReadAsync(connection, cancellationToken) ?? throw new ImapTestFailedException("No greeting");
            if (greeting.Args.Count > 1 && greeting.Args[1].Text.StartsWith("[CAPABILITY", StringComparison.OrdinalIgnoreCase))
            {
                connection.Capabilities = CapabilitiesFromGreeting(greeting.Raw);
            }
            if (_script.HasBannerCheck && i == 0)
            {
                var group = _script.Groups[0];
                var found = new bool[group.Untagged.Count];
                MatchUntagged(group, greeting, found, out _);
            }
        }

        var first = _connections[0];
        if (_script.State == ImapTestStartState.NonAuth)
        {
            if (first.Capabilities.Count == 0)
            {
                await SetupCommandAsync(first, "CAPABILITY", cancellationToken);
            }
            return Missing(first);
        }
        for (var i = 0; i < _connections.Length; i++)
        {
            var (user, password) = Account(i);
            await SetupCommandAsync(_connections[i], $"LOGIN {Quote(user)} {Quote(password)}", cancellationToken);
        }
        await SetupCommandAsync(first, "CAPABILITY", cancellationToken);
        var missing = Missing(first);
        if (missing.Count > 0)
        {
            return missing;
        }

        var mask = Quote(_target.Mailbox + "*");
        var listed = await SetupCommandAsync(first, "LIST \"\" " + mask, cancellationToken);
        var subscribed = await SetupCommandAsync(first, "LSUB \"\" " + mask, cancellationToken);
        foreach (var name in MailboxNames(listed, "LIST").OrderByDescending(n => n, StringComparer.OrdinalIgnoreCase))
        {
            await SetupCommandAsync(first, "DELETE " + Quote(name), cancellationToken, allowNo: true);
        }
        foreach (var name in MailboxNames(subscribed, "LSUB").OrderByDescending(n => n, StringComparer.OrdinalIgnoreCase))
        {
            await SetupCommandAsync(first, "UNSUBSCRIBE " + Quote(name), cancellationToken, allowNo: true);
        }
        if (_script.State >= ImapTestStartState.Created && !_target.Mailbox.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            await SetupCommandAsync(first, "CREATE " + Quote(_target.Mailbox), cancellationToken);
        }
        if (_script.State >= ImapTestStartState.Appended)
        {
            for (var left = _script.MessageCount; left > 0 && (_script.MessageCount != int.MaxValue || !_mbox.AtEnd); left--)
            {
                var (text, date) = _mbox.Next();
                await SetupCommandAsync(first, $"APPEND {Quote(_target.Mailbox)} \"{ImapTestMbox.FormatDateTime(date)}\" {Literal(first, text)}", cancellationToken);
            }
        }
        if (_script.State == ImapTestStartState.Selected)
        {
            foreach (var connection in _connections)
            {
                await SetupCommandAsync(connection, "SELECT " + Quote(_target.Mailbox), cancellationToken);
            }
        }
        return [];
    }

    private List<string> Missing(ImapScriptConnection connection) =>
        _script.Capabilities.Where(c => !connection.Capabilities.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();

    private static List<string> CapabilitiesFromGreeting(string raw)
    {
        var start = raw.IndexOf("[CAPABILITY ", StringComparison.OrdinalIgnoreCase) + "[CAPABILITY ".Length;
        var end = raw.IndexOf(']', start);
        return raw[start..(end < 0 ? raw.Length : end)].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static IEnumerable<string> MailboxNames(List<ImapScriptResponse> responses, string kind) =>
        responses.Where(r => r.IsUntagged && r.Args.Count >= 4 && r.Args[0].Text.Equals(kind, StringComparison.OrdinalIgnoreCase) && r.Args[3].IsAString)
            .Select(r => r.Args[3].Text);

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static bool HasLiteralPlus(ImapScriptConnection connection) => connection.Capabilities.Contains("LITERAL+", StringComparer.OrdinalIgnoreCase);

    private static string Literal(ImapScriptConnection connection, string data) =>
        "{" + data.Length.ToString(CultureInfo.InvariantCulture) + "}\r\n" + data;

    private string NextTag(ImapScriptConnection connection) =>
        connection.Number.ToString(CultureInfo.InvariantCulture) + "." + (++_tagCounters[connection.Number - 1]).ToString(CultureInfo.InvariantCulture);

    /// <summary>Sends a setup command and reads to its tagged reply; NO/BAD fail the initialization.</summary>
    private async Task<List<ImapScriptResponse>> SetupCommandAsync(ImapScriptConnection connection, string command, CancellationToken cancellationToken, bool allowNo = false)
    {
        var tag = NextTag(connection);
        var sender = new LiteralSender(tag + " " + command + "\r\n", HasLiteralPlus(connection));
        await SendAsync(connection, sender.First, cancellationToken);
        var responses = new List<ImapScriptResponse>();
        while (true)
        {
            var response = await ReadAsync(connection, cancellationToken) ?? throw new ImapTestFailedException($"Disconnected during '{command}'");
            if (response.IsContinuation)
            {
                await SendAsync(connection, sender.Next() ?? throw new ImapTestFailedException("Unexpected continuation"), cancellationToken);
                continue;
            }
            if (response.IsUntagged)
            {
                Track(connection, response);
                responses.Add(response);
                continue;
            }
            if (response.Tag != tag)
            {
                throw new ImapTestFailedException("Unexpected tagged reply " + response.Raw);
            }
            var status = response.Args.Count > 0 ? response.Args[0].Text.ToUpperInvariant() : "";
            if (status != "OK" && !(status == "NO" && allowNo))
            {
                throw new ImapTestFailedException($"{command.Split("\r\n")[0]} failed: {response.Raw}");
            }
            return responses;
        }
    }

    private async Task SendAsync(ImapScriptConnection connection, string text, CancellationToken cancellationToken)
    {
        AppendTranscript(connection, "C: ", text);
        await connection.SendAsync(text, cancellationToken);
    }

    private async Task<ImapScriptResponse?> ReadAsync(ImapScriptConnection connection, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReplyTimeout);
        ImapScriptResponse? response;
        try
        {
            response = await connection.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImapTestFailedException($"Timeout: no reply within {ReplyTimeout.TotalSeconds} s on connection {connection.Number}");
        }
        AppendTranscript(connection, "S: ", response is null ? "<disconnected>" : response.Raw);
        return response;
    }

    private void AppendTranscript(ImapScriptConnection connection, string direction, string text)
    {
        const int MaxShown = 400;
        if (text.Length > MaxShown)
        {
            text = text[..MaxShown] + $"…<{text.Length} chars>";
        }
        _transcript.Append(connection.Number.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(direction)
            .Append(ImapTestArg.Escape(text)).Append('\n');
    }

    /// <summary>Keeps the connection's message count and capabilities current.</summary>
    private void Track(ImapScriptConnection connection, ImapScriptResponse response)
    {
        var args = response.Args;
        if (args.Count >= 2 && args[0].Kind == ImapTestArgKind.Atom && uint.TryParse(args[0].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (args[1].Text.Equals("EXISTS", StringComparison.OrdinalIgnoreCase))
            {
                connection.MessageCount = (int)number;
            }
            else if (args[1].Text.Equals("EXPUNGE", StringComparison.OrdinalIgnoreCase))
            {
                connection.MessageCount--;
                if (_setupDone)
                {
                    HandleExpunge((int)number);
                }
            }
            return;
        }
        if (args.Count == 0)
        {
            return;
        }
        var name = args[0].Text.ToUpperInvariant();
        if (name == "CAPABILITY")
        {
            connection.Capabilities = args.Skip(1).Select(a => a.Text).ToList();
        }
        else if (name == "BYE")
        {
            connection.SeenBye = true;
        }
        else if (name == "VANISHED" && args.Count >= 2 && args[1].Kind != ImapTestArgKind.List)
        {
            connection.MessageCount -= CountSet(args[1].Text);
        }
        else if (name is "OK" && args.Count > 1 && args[1].Text.StartsWith("[CAPABILITY", StringComparison.OrdinalIgnoreCase))
        {
            connection.Capabilities = CapabilitiesFromGreeting(response.Raw);
        }
    }

    private static int CountSet(string set)
    {
        var count = 0;
        foreach (var range in set.Split(','))
        {
            var parts = range.Split(':');
            var low = uint.Parse(parts[0], CultureInfo.InvariantCulture);
            var high = parts.Length > 1 ? uint.Parse(parts[1], CultureInfo.InvariantCulture) : low;
            count += (int)(Math.Max(low, high) - Math.Min(low, high) + 1);
        }
        return count;
    }

    /// <summary>imaptest's test_handle_expunge: shifts the relative sequence map.</summary>
    private void HandleExpunge(int seq)
    {
        if (seq > _sequenceMap.Count || seq <= 0)
        {
            return;
        }
        for (var i = seq - 1; i < _sequenceMap.Count; i++)
        {
            if (_sequenceMap[i] == seq)
            {
                _sequenceMap[i] = 0;
            }
            else if (_sequenceMap[i] > seq)
            {
                _sequenceMap[i]--;
            }
        }
    }

    private string RelativeSequence(uint seq)
    {
        if (seq == 0)
        {
            return "<zero seq>";
        }
        if (seq > _sequenceMap.Count)
        {
            return "<out of range>";
        }
        var current = _sequenceMap[(int)seq - 1];
        return current == 0 ? "<expunged>" : current.ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"~?\{(\d+)\}\r\n")]
    private static partial Regex LiteralHeader();

    /// <summary>
    /// Splits a command with inline literals into the parts sent before each continuation; with
    /// LITERAL+ the literals become non-synchronizing and everything goes at once.
    /// </summary>
    private sealed class LiteralSender
    {
        private readonly Queue<string> _parts = new();

        public LiteralSender(string wire, bool literalPlus)
        {
            var sb = new StringBuilder();
            var position = 0;
            while (true)
            {
                var match = LiteralHeader().Match(wire, position);
                if (!match.Success)
                {
                    break;
                }
                var length = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                sb.Append(wire, position, match.Index - position);
                var header = match.Value;
                if (literalPlus)
                {
                    sb.Append(header.Replace("}", "+}", StringComparison.Ordinal));
                }
                else
                {
                    sb.Append(header);
                    _parts.Enqueue(sb.ToString());
                    sb.Clear();
                }
                var dataStart = match.Index + match.Length;
                var dataLength = Math.Min(length, wire.Length - dataStart);
                sb.Append(wire, dataStart, dataLength);
                position = dataStart + dataLength;
            }
            sb.Append(wire, position, wire.Length - position);
            _parts.Enqueue(sb.ToString());
            First = _parts.Dequeue();
        }

        public string First { get; }

        public bool HasMore => _parts.Count > 0;

        public string? Next() => _parts.Count > 0 ? _parts.Dequeue() : null;
    }
}
