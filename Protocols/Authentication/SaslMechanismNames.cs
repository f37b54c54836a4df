namespace Mail.Protocols.Authentication;

/// <summary>SASL mechanism names (IANA registry) this server implements.</summary>
public static class SaslMechanismNames
{
    /// <summary>PLAIN (RFC 4616): the password in the clear; needs TLS off loopback.</summary>
    public const string Plain = "PLAIN";

    /// <summary>LOGIN (draft-murchison-sasl-login): user name and password as two responses; needs TLS off loopback.</summary>
    public const string Login = "LOGIN";

    /// <summary>SCRAM-SHA-256 (RFC 7677, RFC 5802): challenge-response, the password never crosses the wire.</summary>
    public const string ScramSha256 = "SCRAM-SHA-256";

    /// <summary>SCRAM-SHA-256-PLUS (RFC 5802 §6): SCRAM bound to the TLS channel; only over TLS.</summary>
    public const string ScramSha256Plus = "SCRAM-SHA-256-PLUS";

    /// <summary>True for mechanisms that send the password itself.</summary>
    public static bool IsPlaintext(string mechanism) =>
        mechanism.Equals(Plain, StringComparison.OrdinalIgnoreCase) || mechanism.Equals(Login, StringComparison.OrdinalIgnoreCase);
}
