using System.Text;

namespace Mail.Protocols.Imap.Search;

/// <summary>What threading needs to know about one message.</summary>
/// <param name="Number">Sequence number or UID to print.</param>
/// <param name="Order">Position in the mailbox (tie-breaker).</param>
/// <param name="SentDate">Date header, else INTERNALDATE (UTC).</param>
/// <param name="Subject">Decoded Subject (null when absent).</param>
/// <param name="MessageId">Message-ID without angle brackets, null when absent or invalid.</param>
/// <param name="References">References (or the first In-Reply-To id), oldest first.</param>
public sealed record ImapThreadMessage(uint Number, int Order, DateTime SentDate, string? Subject, string? MessageId, IReadOnlyList<string> References);

/// <summary>
/// THREAD algorithms of RFC 5256 §2.2 (REFERENCES, after JWZ) and §2.1 (ORDEREDSUBJECT), and the
/// thread-list rendering of §4: <c>(1 2 (3)(4))(5)</c>.
/// </summary>
public static class ImapThreading
{
    private sealed class Container
    {
        public ImapThreadMessage? Message { get; set; }

        public Container? Parent { get; set; }

        public List<Container> Children { get; } = [];

        public bool IsDummy => Message is null;

        public bool HasDescendant(Container other)
        {
            foreach (var child in Children)
            {
                if (child == other || child.HasDescendant(other))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The message that stands for this container when sorting (a dummy: its first child).</summary>
        public ImapThreadMessage? Representative => Message ?? (Children.Count > 0 ? Children[0].Representative : null);
    }

    /// <summary>THREAD=ORDEREDSUBJECT (RFC 5256 §2.1): messages grouped by base subject, each group flat under its earliest message.</summary>
    public static string OrderedSubject(IReadOnlyList<ImapThreadMessage> messages)
    {
        var sorted = messages
            .Select(m => (Message: m, Base: ImapBaseSubject.Extract(m.Subject)))
            .OrderBy(x => x.Base, Comparer<string>.Create(ImapBaseSubject.CompareCaseMap))
            .ThenBy(x => x.Message.SentDate)
            .ThenBy(x => x.Message.Order)
            .ToList();
        var roots = new List<Container>();
        Container? current = null;
        string? currentSubject = null;
        foreach (var (message, subject) in sorted)
        {
            var container = new Container { Message = message };
            if (current is not null && ImapBaseSubject.CompareCaseMap(currentSubject, subject) == 0)
            {
                container.Parent = current;
                current.Children.Add(container);
                continue;
            }
            current = container;
            currentSubject = subject;
            roots.Add(container);
        }
        roots.Sort(CompareByDate);
        return Render(roots);
    }

    /// <summary>THREAD=REFERENCES (RFC 5256 §2.2).</summary>
    public static string References(IReadOnlyList<ImapThreadMessage> messages)
    {
        var byId = new Dictionary<string, Container>(StringComparer.Ordinal);
        var all = new List<Container>();
        Container Get(string id)
        {
            if (!byId.TryGetValue(id, out var c))
            {
                c = new Container();
                byId[id] = c;
                all.Add(c);
            }
            return c;
        }

        // Step 1: link messages by Message-ID and References.
        foreach (var message in messages.OrderBy(m => m.Order))
        {
            Container container;
            if (message.MessageId is { } id && (!byId.TryGetValue(id, out var existing) || existing.IsDummy))
            {
                container = Get(id);
                container.Message = message;
            }
            else
            {
                container = new Container { Message = message };
                all.Add(container);
            }
            Container? previous = null;
            foreach (var reference in message.References)
            {
                var r = Get(reference);
                if (previous is not null && r.Parent is null && r != previous && !r.HasDescendant(previous))
                {
                    Link(previous, r);
                }
                previous = r;
            }
            // Step 1C: the last reference becomes the parent, replacing any earlier guess.
            if (container.Parent is not null)
            {
                container.Parent.Children.Remove(container);
                container.Parent = null;
            }
            if (previous is not null && previous != container && !container.HasDescendant(previous))
            {
                Link(previous, container);
            }
        }

        // Step 2-3: the root set, with dummies pruned.
        var roots = all.Where(c => c.Parent is null).ToList();
        roots = Prune(roots, isRoot: true);

        // Step 4: sort the root set by sent date.
        foreach (var root in roots)
        {
            SortTree(root);
        }
        roots.Sort(CompareByDate);

        // Step 5: group the root set by base subject.
        var table = new Dictionary<string, Container>(StringComparer.OrdinalIgnoreCase);
        foreach (var root in roots)
        {
            var rep = root.Representative;
            var subject = ImapBaseSubject.Extract(rep?.Subject, out var replyOrForward);
            if (subject.Length == 0)
            {
                continue;
            }
            if (!table.TryGetValue(subject, out var old)
                || (!old.IsDummy && root.IsDummy)
                || (IsReplyOrForward(old) && !replyOrForward && !root.IsDummy && !old.IsDummy))
            {
                table[subject] = root;
            }
        }
        var result = new List<Container>(roots);
        for (var i = 0; i < result.Count; i++)
        {
            var root = result[i];
            var subject = ImapBaseSubject.Extract(root.Representative?.Subject, out var replyOrForward);
            if (subject.Length == 0 || !table.TryGetValue(subject, out var target) || target == root)
            {
                continue;
            }
            result.RemoveAt(i);
            i--;
            if (target.IsDummy && root.IsDummy)
            {
                foreach (var child in root.Children.ToList())
                {
                    Link(target, child);
                }
            }
            else if (target.IsDummy || (replyOrForward && !IsReplyOrForward(target)))
            {
                Link(target, root);
            }
            else
            {
                var dummy = new Container();
                var position = result.IndexOf(target);
                Link(dummy, target);
                Link(dummy, root);
                table[subject] = dummy;
                result[position] = dummy;
            }
        }

        // Step 6: sort every sibling set by sent date.
        foreach (var root in result)
        {
            SortTree(root);
        }
        return Render(result);
    }

    private static bool IsReplyOrForward(Container c)
    {
        ImapBaseSubject.Extract(c.Representative?.Subject, out var replyOrForward);
        return replyOrForward;
    }

    private static void Link(Container parent, Container child)
    {
        child.Parent?.Children.Remove(child);
        child.Parent = parent;
        parent.Children.Add(child);
    }

    /// <summary>Step 3: drops empty dummies and splices a dummy's children into its level (at the root only when it has one child).</summary>
    private static List<Container> Prune(List<Container> level, bool isRoot)
    {
        var result = new List<Container>();
        foreach (var c in level)
        {
            var children = Prune(c.Children.ToList(), isRoot: false);
            c.Children.Clear();
            foreach (var child in children)
            {
                child.Parent = c;
                c.Children.Add(child);
            }
            if (c.IsDummy)
            {
                if (c.Children.Count == 0)
                {
                    continue;
                }
                if (!isRoot || c.Children.Count == 1)
                {
                    foreach (var child in c.Children)
                    {
                        child.Parent = isRoot ? null : c.Parent;
                        result.Add(child);
                    }
                    continue;
                }
            }
            result.Add(c);
        }
        return result;
    }

    private static void SortTree(Container c)
    {
        foreach (var child in c.Children)
        {
            SortTree(child);
        }
        c.Children.Sort(CompareByDate);
    }

    private static int CompareByDate(Container a, Container b)
    {
        var x = a.Representative;
        var y = b.Representative;
        if (x is null || y is null)
        {
            return (x is null).CompareTo(y is null);
        }
        var c = x.SentDate.CompareTo(y.SentDate);
        return c != 0 ? c : x.Order.CompareTo(y.Order);
    }

    private static string Render(List<Container> roots)
    {
        var sb = new StringBuilder();
        foreach (var root in roots)
        {
            sb.Append('(');
            RenderChain(sb, root);
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static void RenderChain(StringBuilder sb, Container c)
    {
        if (c.Message is { } m)
        {
            sb.Append(m.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (c.Children.Count == 1)
            {
                sb.Append(' ');
                RenderChain(sb, c.Children[0]);
                return;
            }
            if (c.Children.Count > 1)
            {
                sb.Append(' ');
            }
        }
        else if (c.Children.Count == 1)
        {
            RenderChain(sb, c.Children[0]);
            return;
        }
        foreach (var child in c.Children)
        {
            sb.Append('(');
            RenderChain(sb, child);
            sb.Append(')');
        }
    }
}
