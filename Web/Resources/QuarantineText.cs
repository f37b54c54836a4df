namespace Mail.Web.Resources;

/// <summary>Key of the quarantine page's texts: QuarantineText.resx (English) and QuarantineText.de.resx (German).</summary>
public sealed class QuarantineText
{
    private QuarantineText()
    {
    }
}
