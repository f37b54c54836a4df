namespace Mail.Web.Resources;

/// <summary>
/// Key of the composer's and outbox's texts: <c>IStringLocalizer&lt;ComposeText&gt;</c> reads ComposeText.resx
/// (English) and ComposeText.de.resx (German).
/// </summary>
public sealed class ComposeText
{
    private ComposeText()
    {
    }
}
