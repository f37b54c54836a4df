namespace Mail.Shared.Platform;

/// <summary>Database engines the platform DB runs on (<c>Mail:Database:Provider</c>).</summary>
public enum PlatformDbProvider
{
    /// <summary>Embedded SQLite file <c>{DataPath}/platform.db</c> in WAL mode (the default).</summary>
    Sqlite,

    /// <summary>MySQL or MariaDB through Pomelo; needs <c>ConnectionStrings:Platform</c>.</summary>
    MySql,
}
