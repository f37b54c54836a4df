namespace Mail.Web.Admin;

/// <summary>Process exit codes of the management CLI.</summary>
internal static class AdminExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>An expected failure: unknown domain, existing user, invalid address, database unavailable, bad configuration.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong (unknown verb, missing argument, password not from stdin).</summary>
    public const int Usage = 2;
}
