namespace Mail.Protocols.Pop3;

/// <summary>POP3 session states (RFC 1939 §3).</summary>
public enum Pop3State
{
    /// <summary>Before a successful USER/PASS or AUTH.</summary>
    Authorization,
    /// <summary>Logged in, the maildrop snapshot taken.</summary>
    Transaction,
    /// <summary>After QUIT in TRANSACTION: deletions are applied, then the connection closes.</summary>
    Update,
}
