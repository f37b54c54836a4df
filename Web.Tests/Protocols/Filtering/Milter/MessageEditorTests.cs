using System.Text;
using Mail.Protocols.Filtering;

namespace Mail.Web.Tests.Protocols.Filtering.Milter;

/// <summary>Unit tests of <see cref="MessageEditor"/> (the milter modifications applied to the delivered copy).</summary>
public sealed class MessageEditorTests
{
    private const string Message = "Received: from a\r\nSubject: one\r\n\tfolded\r\nX-A: 1\r\nx-a: 2\r\n\r\nbody\r\n";

    private static string Apply(string message, params MessageEdit[] edits) =>
        Encoding.UTF8.GetString(MessageEditor.Apply(FilterTestMessages.Scan(message), edits));

    [Fact]
    public void ChangeHeader_SecondOccurrence_CaseInsensitive() =>
        Assert.Equal("Received: from a\r\nSubject: one\r\n\tfolded\r\nX-A: 1\r\nX-A: two\r\n\r\nbody\r\n",
            Apply(Message, new MessageEdit(MessageEditKind.ChangeHeader, "X-A", "two", 2)));

    [Fact]
    public void ChangeHeader_EmptyValue_DeletesFoldedField() =>
        Assert.Equal("Received: from a\r\nX-A: 1\r\nx-a: 2\r\n\r\nbody\r\n",
            Apply(Message, new MessageEdit(MessageEditKind.ChangeHeader, "subject", "", 1)));

    [Fact]
    public void ChangeHeader_Missing_Appended() =>
        Assert.Equal("Received: from a\r\nSubject: one\r\n\tfolded\r\nX-A: 1\r\nx-a: 2\r\nX-New: v\r\n\r\nbody\r\n",
            Apply(Message, new MessageEdit(MessageEditKind.ChangeHeader, "X-New", "v", 3)));

    [Fact]
    public void AddAndInsert_FoldedValueGetsCrlf() =>
        Assert.Equal("Received: from a\r\nX-Ins: i\r\nSubject: one\r\n\tfolded\r\nX-A: 1\r\nx-a: 2\r\nX-Add: a\r\n\tb\r\n\r\nbody\r\n",
            Apply(Message, new MessageEdit(MessageEditKind.AddHeader, "X-Add", "a\n\tb", 0), new MessageEdit(MessageEditKind.InsertHeader, "X-Ins", "i", 1)));

    [Fact]
    public void ReplaceBody_KeepsHeader() =>
        Assert.Equal("Received: from a\r\nSubject: one\r\n\tfolded\r\nX-A: 1\r\nx-a: 2\r\n\r\nnew\r\n",
            Apply(Message, new MessageEdit(MessageEditKind.ReplaceBody, "", "", 0, "new\r\n"u8.ToArray())));

    [Fact]
    public void NoBody_AddHeader_StaysHeaderOnly() =>
        Assert.Equal("Subject: s\r\nX-B: b\r\n", Apply("Subject: s\r\n", new MessageEdit(MessageEditKind.AddHeader, "X-B", "b", 0)));
}
