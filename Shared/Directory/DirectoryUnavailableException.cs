namespace Mail.Shared.Directory;

/// <summary>The directory backend failed (I/O, LDAP down, DB down). Maps to IMAP <c>NO [UNAVAILABLE]</c>, SMTP <c>451 4.3.0</c>.</summary>
public sealed class DirectoryUnavailableException : Exception
{
    public DirectoryUnavailableException() { }
    public DirectoryUnavailableException(string message) : base(message) { }
    public DirectoryUnavailableException(string message, Exception inner) : base(message, inner) { }
}
