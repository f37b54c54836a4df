namespace Mail.Protocols.Authentication;

/// <summary>
/// SASLprep (RFC 4013, the "SASLprep" profile of stringprep, RFC 3454) of user names and passwords before they are
/// checked, through MailKit's implementation (<see cref="MailKit.Security.SaslMechanism.SaslPrep(string)"/>): non-ASCII
/// spaces map to U+0020, "commonly mapped to nothing" characters are removed, the result is NFKC-normalized
/// (<c>"Ⅸ"</c> → <c>"IX"</c>), and prohibited output (controls, private use, surrogates, non-character code points,
/// bidi violations) is refused.
/// </summary>
internal static class SaslPreparation
{
    /// <summary>Prepares <paramref name="value"/>; false when it holds prohibited characters (the caller fails as for a wrong password).</summary>
    public static bool TryPrepare(string value, out string prepared)
    {
        try
        {
            prepared = MailKit.Security.SaslMechanism.SaslPrep(value);
            return true;
        }
        catch (ArgumentException)
        {
            prepared = value;
            return false;
        }
    }
}
