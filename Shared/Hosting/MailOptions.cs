namespace Mail.Shared.Hosting;

/// <summary>
/// The <c>Mail</c> configuration section (appsettings.json, environment <c>Mail__X</c>, command line
/// <c>--Mail:X=...</c>).
/// </summary>
public sealed class MailOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail";

    /// <summary>Root folder for all local state: platform DB, mailbox store, TLS certificate. Default <c>./data</c>.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>Comma-separated roles this node runs (<see cref="MailRoles"/>); empty or <c>all</c> means every role.</summary>
    public string Roles { get; set; } = "all";

    /// <summary>Listener endpoints by name (<c>SmtpIn</c>, <c>Submission</c>, <c>Imap</c>, <c>Pop3</c>, <c>Lmtp</c>) as <c>host:port</c>; port 0 picks a free port.</summary>
    public Dictionary<string, string> Endpoints { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Host name announced in greetings and Received headers; default is the machine name.</summary>
    public string HostName { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>Platform database settings.</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>TLS certificate settings.</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>Absolute data path.</summary>
    public string FullDataPath => Path.GetFullPath(DataPath);
}

/// <summary>The <c>Mail:Database</c> section.</summary>
public sealed class DatabaseOptions
{
    /// <summary><c>Sqlite</c> (default, file <c>platform.db</c> under the data path) or <c>MySql</c> (needs <c>ConnectionStrings:Platform</c>).</summary>
    public string Provider { get; set; } = "Sqlite";
}

/// <summary>The <c>Mail:Tls</c> section.</summary>
public sealed class TlsOptions
{
    /// <summary>PFX/PKCS#12 file with the server certificate and key; empty means a self-signed one generated under the data path on first run.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>Password of the PFX file, if any.</summary>
    public string CertificatePassword { get; set; } = "";
}
