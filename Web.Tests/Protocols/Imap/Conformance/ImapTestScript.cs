using System.Globalization;
using System.Text;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>The state a script starts in (scripted_test.md "state"); each includes the ones before it.</summary>
public enum ImapTestStartState
{
    NonAuth,
    Auth,
    Created,
    Appended,
    Selected,
}

/// <summary>Whether an expected untagged line must (<c>*</c>), must not (<c>!</c>) or may (<c>?</c>) arrive.</summary>
public enum ImapTestExistence
{
    MustExist,
    MustNotExist,
    MayExist,
}

/// <summary>An expected untagged reply of a command group.</summary>
public sealed record ImapTestUntagged(List<ImapTestArg> Args, ImapTestExistence Existence)
{
    public override string ToString() => ImapTestArg.Join(Args);
}

/// <summary>One command of a group: its text (variables unexpanded) and expected tagged reply.</summary>
public sealed class ImapTestCommand
{
    public int LineNumber { get; init; }

    /// <summary>The script's explicit tag number (<c>tagN</c>), 0 without one.</summary>
    public int Tag { get; init; }

    public required string Text { get; init; }

    /// <summary>The expected tagged reply (<c>ok</c>, <c>no</c>, <c>bad</c> or the empty atom for any, plus a prefix).</summary>
    public List<ImapTestArg>? Reply { get; set; }
}

/// <summary>Commands sent together on one connection, with the untagged replies expected meanwhile.</summary>
public sealed class ImapTestGroup
{
    public int Connection { get; set; }

    public List<ImapTestCommand> Commands { get; } = [];

    public List<ImapTestUntagged> Untagged { get; } = [];

    /// <summary><c>!ordered</c>: untagged replies must arrive in the listed order.</summary>
    public bool Ordered { get; set; }

    /// <summary>A <c>* BYE</c> is expected, so the connection may close.</summary>
    public bool HasBye { get; set; }

    public int SleepMilliseconds { get; set; }

    public List<string> Output { get; } = [];

    internal int RepliesPending { get; set; }
}

/// <summary>
/// A parsed imaptest script (Dovecot imaptest src/tests, format in scripted_test.md): header,
/// command groups, expected untagged and tagged replies, <c>{{{</c>…<c>}}}</c> multi-line literals,
/// <c>!ifenv</c> blocks. Parsing follows imaptest's test-parser.c.
/// </summary>
public sealed class ImapTestScript
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    private ImapTestScript(string path, string mboxPath)
    {
        Path = path;
        Name = System.IO.Path.GetFileName(path);
        MboxPath = mboxPath;
    }

    public string Name { get; }

    public string Path { get; }

    /// <summary>The messages APPENDed from: <c>name.mbox</c> or the directory's <c>default.mbox</c>.</summary>
    public string MboxPath { get; }

    public IReadOnlyList<string> Capabilities { get; private set; } = [];

    public int Connections { get; private set; } = 1;

    /// <summary>Messages appended at start (<c>int.MaxValue</c> = all in the mbox).</summary>
    public int MessageCount { get; private set; }

    public ImapTestStartState State { get; private set; } = ImapTestStartState.Selected;

    public bool IgnoreExtraUntagged { get; private set; } = true;

    /// <summary>Explicit per-connection users (<c>user N: value</c>), index 0-based.</summary>
    public Dictionary<int, string> Users { get; } = [];

    public List<ImapTestGroup> Groups { get; } = [];

    /// <summary>
    /// The script's <c>$modseqN</c> variables first appear in increasing N, so the ordering rule of
    /// scripted_test.md applies (older scripts such as esearch-condstore use them as plain variables).
    /// </summary>
    public bool ModseqVariablesOrdered
    {
        get
        {
            var seen = new HashSet<int>();
            var last = 0;
            foreach (var untagged in Groups.SelectMany(g => g.Untagged))
            {
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(untagged.ToString(), @"\$\{?modseq(\d+)"))
                {
                    var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                    if (seen.Add(n))
                    {
                        if (n < last)
                        {
                            return false;
                        }
                        last = n;
                    }
                }
            }
            return true;
        }
    }

    /// <summary>The first group checks the greeting (an untagged line with no command).</summary>
    public bool HasBannerCheck { get; private set; }

    /// <summary>Parses the script at <paramref name="path"/>; throws <see cref="FormatException"/> on a syntax error.</summary>
    public static ImapTestScript Load(string path, Func<string, bool>? environmentHas = null)
    {
        var mbox = path + ".mbox";
        if (!File.Exists(mbox))
        {
            mbox = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "default.mbox");
        }
        var script = new ImapTestScript(path, mbox);
        new Parser(script, environmentHas ?? (name => Environment.GetEnvironmentVariable(name) is not null)).Run(File.ReadAllBytes(path));
        return script;
    }

    private sealed class Parser(ImapTestScript test, Func<string, bool> environmentHas)
    {
        private readonly Stack<(bool Skip, bool ElseSeen)> _ifenv = new();
        private ImapTestGroup? _group;
        private bool _skip;

        public void Run(byte[] bytes)
        {
            var text = Latin1.GetString(bytes);
            if (text.Length > 0 && text[^1] != '\n')
            {
                throw new FormatException($"{test.Name}: last line doesn't end with LF");
            }
            var lines = text.Split('\n');
            var header = true;
            var continues = false;
            var binary = false;
            var multiline = new StringBuilder();
            int startPos = 0, lastLineEnd = 0, startLine = 0;
            for (var n = 0; n < lines.Length - 1; n++)
            {
                var raw = lines[n];
                var line = raw.EndsWith('\r') ? raw[..^1] : raw;
                if (continues)
                {
                    if (!line.StartsWith("}}}", StringComparison.Ordinal))
                    {
                        // Like imaptest: the line as in the file (a CR kept), then LF for ~{{{ literals, CRLF otherwise.
                        multiline.Append(binary ? raw : line);
                        lastLineEnd = multiline.Length;
                        multiline.Append(binary ? "\n" : "\r\n");
                        continue;
                    }
                    multiline.Length = lastLineEnd;
                    var length = multiline.Length - startPos;
                    multiline.Insert(startPos, (binary ? "~" : "") + "{" + length.ToString(CultureInfo.InvariantCulture) + "}\r\n");
                    var rest = line[3..];
                    if (rest.EndsWith("{{{", StringComparison.Ordinal))
                    {
                        binary = rest.Length > 3 && rest[^4] == '~';
                        multiline.Append(rest[..^(binary ? 4 : 3)]);
                        startPos = lastLineEnd = multiline.Length;
                        continue;
                    }
                    multiline.Append(rest);
                    line = multiline.ToString();
                    continues = false;
                }
                else
                {
                    startLine = n + 1;
                    if (line.Length == 0)
                    {
                        header = false;
                        continue;
                    }
                    if (line[0] == '#')
                    {
                        continue;
                    }
                    if (line.EndsWith("{{{", StringComparison.Ordinal))
                    {
                        binary = line.Length > 3 && line[^4] == '~';
                        multiline.Clear().Append(line[..^(binary ? 4 : 3)]);
                        startPos = lastLineEnd = multiline.Length;
                        continues = true;
                        continue;
                    }
                }
                try
                {
                    if (header)
                    {
                        ParseHeader(line);
                    }
                    else
                    {
                        ParseCommandLine(line, startLine);
                    }
                }
                catch (FormatException ex)
                {
                    throw new FormatException($"{test.Name} line {n + 1}: {ex.Message}", ex);
                }
            }
            if (continues)
            {
                throw new FormatException($"{test.Name}: multiline literal at line {startLine} not ended");
            }
            if (_group is null)
            {
                throw new FormatException($"{test.Name}: no commands");
            }
            if (_group.RepliesPending > 0)
            {
                throw new FormatException($"{test.Name}: missing reply for the last command");
            }
            if (_ifenv.Count > 0)
            {
                throw new FormatException($"{test.Name}: !ifenv not closed");
            }
            AddLogout();
        }

        private void ParseHeader(string line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new FormatException("missing ':'");
            }
            var key = line[..colon].TrimEnd().ToLowerInvariant();
            var value = line[(colon + 1)..].TrimStart(' ');
            switch (key)
            {
                case "capabilities":
                    test.Capabilities = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    break;
                case "connections":
                    test.Connections = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "ignore_extra_untagged":
                    test.IgnoreExtraUntagged = value.StartsWith('y');
                    break;
                case "messages":
                    test.MessageCount = value == "all" ? int.MaxValue : int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "state":
                    test.State = value.ToLowerInvariant() switch
                    {
                        "nonauth" => ImapTestStartState.NonAuth,
                        "auth" => ImapTestStartState.Auth,
                        "created" => ImapTestStartState.Created,
                        "appended" => ImapTestStartState.Appended,
                        "selected" => ImapTestStartState.Selected,
                        _ => throw new FormatException("unknown state " + value),
                    };
                    break;
                default:
                    if (key.StartsWith("user ", StringComparison.Ordinal) && int.TryParse(key[5..], CultureInfo.InvariantCulture, out var index) && index > 0)
                    {
                        test.Users[index - 1] = value;
                        break;
                    }
                    throw new FormatException("unknown setting " + key);
            }
        }

        private bool HandlePreprocessor(string line)
        {
            if (line.StartsWith("!ifenv ", StringComparison.Ordinal) || line.StartsWith("!ifnenv ", StringComparison.Ordinal))
            {
                var negate = line.StartsWith("!ifnenv ", StringComparison.Ordinal);
                var has = environmentHas(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim());
                _ifenv.Push((_skip, false));
                if (has == negate)
                {
                    _skip = true;
                }
                return true;
            }
            if (line == "!else")
            {
                if (_ifenv.Count == 0)
                {
                    throw new FormatException("!else without !ifenv");
                }
                var (outerSkip, elseSeen) = _ifenv.Pop();
                if (elseSeen)
                {
                    throw new FormatException("!else already seen");
                }
                _ifenv.Push((outerSkip, true));
                if (!outerSkip)
                {
                    _skip = !_skip;
                }
                return true;
            }
            if (line == "!endif")
            {
                if (_ifenv.Count == 0)
                {
                    throw new FormatException("!endif without !ifenv");
                }
                _skip = _ifenv.Pop().Skip;
                return true;
            }
            return false;
        }

        private void ParseCommandLine(string line, int lineNumber)
        {
            if (HandlePreprocessor(line) || _skip)
            {
                return;
            }
            var group = _group;
            if (group is not null)
            {
                if (line.StartsWith("!sleep ", StringComparison.Ordinal))
                {
                    group.SleepMilliseconds = ParseInterval(line[7..]);
                    return;
                }
                if (line.StartsWith("!output ", StringComparison.Ordinal))
                {
                    group.Output.Add(line[8..]);
                    return;
                }
                if (line == "!ordered")
                {
                    group.Ordered = true;
                    return;
                }
                if (IsUntagged(line, out var existence))
                {
                    AddUntagged(group, line[2..], existence);
                    return;
                }
                if (group.RepliesPending > 0)
                {
                    var lineNoConnection = line;
                    var replyConnection = 0;
                    if (test.Connections > 1 && TryFirstNumber(line, out replyConnection) && replyConnection > 0)
                    {
                        var space = line.IndexOf(' ', StringComparison.Ordinal);
                        lineNoConnection = space < 0 ? "" : line[(space + 1)..];
                    }
                    var rest = lineNoConnection;
                    if (GetReply(ref rest, out var tag) is not null)
                    {
                        if (test.Connections > 1 && replyConnection != 0 && replyConnection - 1 != group.Connection)
                        {
                            throw new FormatException("reply for the wrong connection");
                        }
                        var command = group.Commands.FirstOrDefault(c => c.Tag == tag) ?? throw new FormatException("reply for unknown tag");
                        if (command.Reply is not null)
                        {
                            throw new FormatException("command already has a reply");
                        }
                        var args = ImapTestArg.Parse(lineNoConnection);
                        command.Reply = args.Skip(tag == 0 ? 0 : 1).ToList();
                        group.RepliesPending--;
                        return;
                    }
                }
            }
            if (group is null || group.RepliesPending == 0)
            {
                group = new ImapTestGroup();
                _group = group;
                test.Groups.Add(group);
            }
            if (test.Connections > 1)
            {
                if (!TryFirstNumber(line, out var connection) || connection == 0)
                {
                    throw new FormatException("missing client index");
                }
                if (group.Commands.Count > 0 && group.Connection != connection - 1)
                {
                    throw new FormatException("all pipelined commands must use the same connection");
                }
                group.Connection = connection - 1;
                test.Connections = Math.Max(test.Connections, connection);
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                line = space < 0 ? "" : line[(space + 1)..];
            }
            var reply = GetReply(ref line, out var commandTag);
            if (commandTag == 0)
            {
                if (group.RepliesPending > 0 || group.Commands.Count > 0)
                {
                    throw new FormatException("missing reply from previous command group");
                }
            }
            else if (group.Commands.Any(c => c.Tag == commandTag))
            {
                throw new FormatException("tag reused within command group");
            }
            if (group.Commands.Count == 0 && IsUntagged(line, out var bannerExistence))
            {
                test.HasBannerCheck = true;
                AddUntagged(group, line[2..], bannerExistence);
                return;
            }
            if (reply is null)
            {
                group.RepliesPending++;
            }
            group.Commands.Add(new ImapTestCommand { LineNumber = lineNumber, Tag = commandTag, Text = line, Reply = reply });
        }

        private static int ParseInterval(string text)
        {
            text = text.Trim();
            if (text.EndsWith("ms", StringComparison.Ordinal))
            {
                return int.Parse(text[..^2].Trim(), CultureInfo.InvariantCulture);
            }
            if (text.EndsWith('s'))
            {
                text = text[..^1].Trim();
            }
            return (int)(double.Parse(text, CultureInfo.InvariantCulture) * 1000);
        }

        private static bool TryFirstNumber(string line, out int number)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var first = space < 0 ? line : line[..space];
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out number);
        }

        private static bool IsUntagged(string line, out ImapTestExistence existence)
        {
            existence = ImapTestExistence.MustExist;
            if (line.StartsWith("* ", StringComparison.Ordinal))
            {
                return true;
            }
            if (line.StartsWith("! ", StringComparison.Ordinal))
            {
                existence = ImapTestExistence.MustNotExist;
                return true;
            }
            if (line.StartsWith("? ", StringComparison.Ordinal))
            {
                existence = ImapTestExistence.MayExist;
                return true;
            }
            return false;
        }

        /// <summary>Takes an optional <c>tagN</c> and an optional ok/no/bad/"" from the start of <paramref name="line"/>.</summary>
        private static List<ImapTestArg>? GetReply(ref string line, out int tag)
        {
            tag = 0;
            var arg = FirstToken(line);
            if (arg.StartsWith("tag", StringComparison.OrdinalIgnoreCase) && line.Contains(' ', StringComparison.Ordinal)
                && int.TryParse(arg[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                tag = n;
                line = line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..];
                arg = FirstToken(line);
            }
            string? reply = arg.ToLowerInvariant() switch
            {
                "ok" => "ok",
                "no" => "no",
                "bad" => "bad",
                "\"\"" => "",
                _ => null,
            };
            if (reply is null)
            {
                return null;
            }
            line = line[arg.Length..];
            if (line.StartsWith(' '))
            {
                line = line[1..];
            }
            return [ImapTestArg.Atom(reply)];
        }

        private static string FirstToken(string line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? line : line[..space];
        }

        private void AddUntagged(ImapTestGroup group, string line, ImapTestExistence existence)
        {
            var args = ImapTestArg.Parse(line);
            var name = "";
            if (args.Count > 0 && args[0].Kind == ImapTestArgKind.Atom)
            {
                name = args[0].Text;
                if (name.StartsWith('$') || char.IsAsciiDigit(name[0]))
                {
                    name = args.Count > 1 && args[1].Kind == ImapTestArgKind.Atom ? args[1].Text : "";
                }
            }
            ImapTestDirectives.ApplyDefaults(args, name.ToLowerInvariant());
            if (name.StartsWith("BYE", StringComparison.OrdinalIgnoreCase))
            {
                if (existence == ImapTestExistence.MustExist)
                {
                    group.HasBye = true;
                }
                else if (existence == ImapTestExistence.MayExist)
                {
                    throw new FormatException("? BYE not supported");
                }
            }
            group.Untagged.Add(new ImapTestUntagged(args, existence));
        }

        private void AddLogout()
        {
            var hasLogout = test.Groups.Any(g => g.HasBye || g.Commands.Any(c => c.Text.Equals("logout", StringComparison.OrdinalIgnoreCase)));
            if (hasLogout)
            {
                return;
            }
            var group = new ImapTestGroup { Connection = 0 };
            group.Commands.Add(new ImapTestCommand { LineNumber = 0, Text = "logout", Reply = [ImapTestArg.Atom("ok")] });
            test.Groups.Add(group);
        }
    }
}
