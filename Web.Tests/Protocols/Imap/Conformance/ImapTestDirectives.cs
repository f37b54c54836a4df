namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>
/// The default <c>$!</c> list directives imaptest adds to expected untagged lines that carry none
/// (scripted_test.md "Directives"): FETCH items unordered in pairs, FETCH FLAGS unordered without
/// extras but ignoring \Recent, LIST/LSUB attributes unordered, STATUS items unordered in pairs.
/// </summary>
public static class ImapTestDirectives
{
    /// <summary>Adds the defaults to the lists of <paramref name="args"/> (an untagged reply named <paramref name="replyName"/>, lower case).</summary>
    public static void ApplyDefaults(List<ImapTestArg> args, string replyName) => Handle(args, new Context(null, replyName, null, 0));

    private static void Handle(List<ImapTestArg> args, Context context)
    {
        foreach (var arg in args)
        {
            if (arg.Kind != ImapTestArgKind.Atom || !arg.Text.StartsWith("$!", StringComparison.Ordinal))
            {
                break;
            }
            var directive = arg.Text[2..];
            if (directive.StartsWith("unordered=", StringComparison.Ordinal))
            {
                context.ChainCount = int.Parse(directive["unordered=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (directive is not ("unordered" or "ordered" or "noextra" or "extra") && !directive.StartsWith("ignore=", StringComparison.Ordinal) && !directive.StartsWith("ban=", StringComparison.Ordinal))
            {
                throw new FormatException("unknown directive " + arg.Text);
            }
            context.HasDirectives = true;
        }
        if (!context.HasDirectives)
        {
            AddDefaults(context, args);
        }
        string? previousAtom = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].Kind == ImapTestArgKind.Atom)
            {
                previousAtom = args[i].Text.ToLowerInvariant();
            }
            if (args[i].Kind != ImapTestArgKind.List)
            {
                continue;
            }
            var index = context.ChainCount == 1 ? i : i % context.ChainCount;
            Handle(args[i].Items!, new Context(context, context.ReplyName, previousAtom, index));
        }
    }

    private static void AddDefaults(Context context, List<ImapTestArg> args)
    {
        var parent = context.Parent;
        if (parent is null)
        {
            return;
        }
        var topLevelChild = parent.Parent is null && parent.ParentChainIndex == 0;
        switch (context.ReplyName)
        {
            case "list" or "lsub" when topLevelChild && context.ParentChainIndex == 1:
                args.Insert(0, ImapTestArg.Atom("$!unordered"));
                break;
            case "status" when topLevelChild && context.ParentChainIndex == 2:
                args.Insert(0, ImapTestArg.Atom("$!unordered=2"));
                break;
            case "fetch" when topLevelChild && context.ParentChainIndex == 2:
                args.Insert(0, ImapTestArg.Atom("$!unordered=2"));
                break;
            case "fetch" when parent.Parent is { Parent: null, ParentChainIndex: 0 } && parent.ParentChainIndex == 2 && context.PreviousAtom == "flags":
                args.InsertRange(0,
                [
                    ImapTestArg.Atom("$!unordered"),
                    ImapTestArg.Atom("$!noextra"),
                    ImapTestArg.Atom("$!ignore=\\recent"),
                    ImapTestArg.Atom("$!ignore=$HasAttachment"),
                    ImapTestArg.Atom("$!ignore=$HasNoAttachment"),
                ]);
                break;
            default:
                break;
        }
    }

    private sealed class Context(Context? parent, string replyName, string? previousAtom, int parentChainIndex)
    {
        public Context? Parent { get; } = parent;

        public string ReplyName { get; } = replyName;

        public string? PreviousAtom { get; } = previousAtom;

        public int ParentChainIndex { get; } = parentChainIndex;

        public int ChainCount { get; set; } = 1;

        public bool HasDirectives { get; set; }
    }
}
