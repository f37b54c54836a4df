namespace Mail.Shared.Directory;

/// <summary>
/// SASLprep (RFC 4013, the stringprep profile of RFC 3454 for user names and passwords) through MailKit's implementation
/// (<see cref="MailKit.Security.SaslMechanism.SaslPrep(string)"/>): non-ASCII spaces map to U+0020, "commonly mapped to
/// nothing" characters are removed, the result is NFKC-normalized (<c>"Ⅸ"</c> → <c>"IX"</c>), and prohibited output
/// (controls, private use, surrogates, non-characters, bidi violations) is refused.
/// </summary>
/// <remarks>
/// The protocols prepare what the client sends (<see cref="TryPrepare"/>), and the directory prepares a password before it
/// hashes it or derives its SCRAM keys (<see cref="Prepare"/>; RFC 5802 §2.2 Normalize), so both sides meet on the
/// prepared form.
/// </remarks>
public static class SaslPreparation
{
    /// <summary>Prepares <paramref name="value"/>; false when it holds prohibited characters (a login then fails like a wrong password).</summary>
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

    /// <summary>
    /// The prepared form of a new password, or the password unchanged when SASLprep refuses it (such a password can
    /// never be used to log in, since the protocols refuse the input).
    /// </summary>
    public static string Prepare(string password) => TryPrepare(password, out var prepared) ? prepared : password;
}
