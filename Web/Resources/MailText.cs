namespace Mail.Web.Resources;

/// <summary>
/// Key of the mail shell's texts (folder tree, message list, layout): <c>IStringLocalizer&lt;MailText&gt;</c>
/// reads MailText.resx (English, the neutral culture) and MailText.de.resx (German). Other areas keep their
/// own resource class and .resx pair beside this one (e.g. ComposeText), so texts merge without conflicts.
/// </summary>
public sealed class MailText
{
    private MailText()
    {
    }
}
