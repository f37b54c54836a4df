namespace Mail.Web.Resources;

/// <summary>
/// Key of the reader's texts (authentication results, "why this is junk", sender lists, unsubscribe, invitation card,
/// attachment previews): ReaderText.resx (English) and ReaderText.de.resx (German).
/// </summary>
public sealed class ReaderText
{
    private ReaderText()
    {
    }
}
