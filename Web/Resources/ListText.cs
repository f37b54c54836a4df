namespace Mail.Web.Resources;

/// <summary>
/// Key of the message list's selection, conversation and keyboard-shortcut texts: <c>IStringLocalizer&lt;ListText&gt;</c>
/// reads ListText.resx (English) and ListText.de.resx (German).
/// </summary>
public sealed class ListText
{
    private ListText()
    {
    }
}
