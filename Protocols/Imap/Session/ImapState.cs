namespace Mail.Protocols.Imap.Session;

/// <summary>Connection states (RFC 9051 §3), as flags so a command can name every state it is legal in.</summary>
[Flags]
public enum ImapState
{
    None = 0,

    /// <summary>Before LOGIN/AUTHENTICATE (RFC 9051 §3.1).</summary>
    NotAuthenticated = 1,

    /// <summary>Logged in, no mailbox selected (§3.2).</summary>
    Authenticated = 2,

    /// <summary>A mailbox is selected (§3.3).</summary>
    Selected = 4,

    /// <summary>LOGOUT in progress (§3.4).</summary>
    Logout = 8,

    /// <summary>Every state but Logout.</summary>
    Any = NotAuthenticated | Authenticated | Selected,

    /// <summary>Authenticated or Selected.</summary>
    LoggedIn = Authenticated | Selected,
}
