using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Mail.Shared.Platform;

/// <summary>
/// The platform database (DESIGN.md "Storage"): the built-in directory (domains, users, aliases),
/// server-side web sessions and the Data Protection key ring. The model is provider neutral; the
/// provider subclasses <see cref="SqlitePlatformDbContext"/> and <see cref="MySqlPlatformDbContext"/>
/// exist only so each provider keeps its own migrations set (Migrations/Sqlite, Migrations/MySql).
/// </summary>
/// <remarks>
/// Every address and domain is stored lower-case, so equality in queries is ordinal on both
/// providers. Times are <see cref="DateTime"/> in UTC (SQLite cannot compare DateTimeOffset in SQL).
/// </remarks>
public abstract class PlatformDbContext : DbContext, IDataProtectionKeyContext
{
    /// <summary>Longest address we store: 64 octets local part + <c>@</c> + 255 octets domain (RFC 5321 §4.5.3.1).</summary>
    public const int MaxAddressLength = 320;

    /// <summary>Longest domain name (RFC 1035 §2.3.4, without the trailing dot).</summary>
    public const int MaxDomainLength = 253;

    protected PlatformDbContext(DbContextOptions options) : base(options)
    {
    }

    /// <summary>Local virtual domains.</summary>
    public DbSet<PlatformDomain> Domains => Set<PlatformDomain>();

    /// <summary>Alias domains (alias domain → canonical domain).</summary>
    public DbSet<PlatformDomainAlias> DomainAliases => Set<PlatformDomainAlias>();

    /// <summary>Virtual users.</summary>
    public DbSet<PlatformUser> Users => Set<PlatformUser>();

    /// <summary>Alias rows (alias address → target).</summary>
    public DbSet<PlatformAlias> Aliases => Set<PlatformAlias>();

    /// <summary>Server-side web sessions (ticket store rows).</summary>
    public DbSet<WebSession> WebSessions => Set<WebSession>();

    /// <summary>Webmail outbox: messages held for undo send or scheduled send.</summary>
    public DbSet<WebmailOutboxEntry> WebmailOutbox => Set<WebmailOutboxEntry>();

    /// <summary>Webmail preferences, one row per user.</summary>
    public DbSet<WebmailUserSettings> WebmailSettings => Set<WebmailUserSettings>();

    /// <summary>Webmail From identities with signatures.</summary>
    public DbSet<WebmailIdentity> WebmailIdentities => Set<WebmailIdentity>();

    /// <summary>Senders whose remote images a user allows.</summary>
    public DbSet<WebmailRemoteImageSender> WebmailRemoteImageSenders => Set<WebmailRemoteImageSender>();

    /// <summary>Recent recipients per user, for address autocomplete.</summary>
    public DbSet<WebmailRecentRecipient> WebmailRecentRecipients => Set<WebmailRecentRecipient>();

    /// <summary>Conversation index: messages of Inbox, Sent and Archive by thread, per user.</summary>
    public DbSet<WebmailThreadMessage> WebmailThreadMessages => Set<WebmailThreadMessage>();

    /// <summary>Conversation index: how far each folder has been read.</summary>
    public DbSet<WebmailThreadFolder> WebmailThreadFolders => Set<WebmailThreadFolder>();

    /// <summary>Data Protection key ring, shared by all web nodes.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Values read back carry DateTimeKind.Utc, so callers never compare local and UTC by mistake.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<PlatformDomain>(e =>
        {
            e.ToTable("Domains");
            e.HasKey(d => d.Name);
            e.Property(d => d.Name).HasMaxLength(MaxDomainLength);
            e.Property(d => d.CatchAll).HasMaxLength(MaxAddressLength);
        });

        modelBuilder.Entity<PlatformDomainAlias>(e =>
        {
            e.ToTable("DomainAliases");
            e.HasKey(a => a.Alias);
            e.Property(a => a.Alias).HasMaxLength(MaxDomainLength);
            e.Property(a => a.Domain).HasMaxLength(MaxDomainLength);
            e.HasIndex(a => a.Domain);
            e.HasOne<PlatformDomain>().WithMany().HasForeignKey(a => a.Domain).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<PlatformUser>(e =>
        {
            e.ToTable("Users");
            e.HasKey(u => u.Address);
            e.Property(u => u.Address).HasMaxLength(MaxAddressLength);
            e.Property(u => u.Domain).HasMaxLength(MaxDomainLength);
            e.Property(u => u.PasswordHash).HasMaxLength(512);
            e.Property(u => u.ScramSha256).HasMaxLength(256);
            e.Property(u => u.DisplayName).HasMaxLength(256);
            e.Property(u => u.MailHost).HasMaxLength(MaxDomainLength);
            e.HasIndex(u => u.Domain);
            e.HasOne<PlatformDomain>().WithMany().HasForeignKey(u => u.Domain).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<PlatformAlias>(e =>
        {
            e.ToTable("Aliases");
            e.HasKey(a => a.Id);
            e.Property(a => a.Address).HasMaxLength(MaxAddressLength);
            e.Property(a => a.Domain).HasMaxLength(MaxDomainLength);
            e.Property(a => a.Target).HasMaxLength(MaxAddressLength);
            e.HasIndex(a => new { a.Address, a.Target }).IsUnique();
            e.HasIndex(a => a.Domain);
            e.HasOne<PlatformDomain>().WithMany().HasForeignKey(a => a.Domain).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<WebSession>(e =>
        {
            e.ToTable("WebSessions");
            e.HasKey(s => s.Key);
            e.Property(s => s.Key).HasMaxLength(64);
            e.Property(s => s.UserAddress).HasMaxLength(MaxAddressLength);
            e.HasIndex(s => s.ExpiresUtc);
            e.HasIndex(s => s.UserAddress);
        });

        OnWebmailModelCreating(modelBuilder);
        OnThreadIndexModelCreating(modelBuilder);
    }

    private static void OnWebmailModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WebmailOutboxEntry>(e =>
        {
            e.ToTable("WebmailOutbox");
            e.HasKey(o => o.Id);
            e.Property(o => o.Id).HasMaxLength(32);
            e.Property(o => o.UserAddress).HasMaxLength(MaxAddressLength);
            e.Property(o => o.LeaseOwner).HasMaxLength(128);
            e.Property(o => o.LastError).HasMaxLength(1024);
            e.Property(o => o.Subject).HasMaxLength(1024);
            e.Property(o => o.DraftFolder).HasMaxLength(1024);
            e.Property(o => o.ReplyFolder).HasMaxLength(1024);
            e.Property(o => o.ProtectedPassword).HasMaxLength(2048);
            e.HasIndex(o => new { o.State, o.DueUtc });
            e.HasIndex(o => o.UserAddress);
        });

        modelBuilder.Entity<WebmailUserSettings>(e =>
        {
            e.ToTable("WebmailSettings");
            e.HasKey(s => s.UserAddress);
            e.Property(s => s.UserAddress).HasMaxLength(MaxAddressLength);
            e.Property(s => s.Language).HasMaxLength(35);
            e.Property(s => s.Theme).HasMaxLength(16);
        });

        modelBuilder.Entity<WebmailIdentity>(e =>
        {
            e.ToTable("WebmailIdentities");
            e.HasKey(i => i.Id);
            e.Property(i => i.UserAddress).HasMaxLength(MaxAddressLength);
            e.Property(i => i.FromAddress).HasMaxLength(MaxAddressLength);
            e.Property(i => i.DisplayName).HasMaxLength(256);
            e.Property(i => i.Signature).HasMaxLength(8192);
            e.HasIndex(i => new { i.UserAddress, i.FromAddress }).IsUnique();
        });

        modelBuilder.Entity<WebmailRemoteImageSender>(e =>
        {
            e.ToTable("WebmailRemoteImageSenders");
            e.HasKey(r => r.Id);
            e.Property(r => r.UserAddress).HasMaxLength(MaxAddressLength);
            e.Property(r => r.Sender).HasMaxLength(MaxAddressLength);
            e.HasIndex(r => new { r.UserAddress, r.Sender }).IsUnique();
        });

        modelBuilder.Entity<WebmailRecentRecipient>(e =>
        {
            e.ToTable("WebmailRecentRecipients");
            e.HasKey(r => new { r.UserAddress, r.Address });
            e.Property(r => r.UserAddress).HasMaxLength(MaxAddressLength);
            e.Property(r => r.Address).HasMaxLength(MaxAddressLength);
            e.Property(r => r.DisplayName).HasMaxLength(256);
            e.HasIndex(r => new { r.UserAddress, r.LastUsedUtc });
        });
    }

    private static void OnThreadIndexModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WebmailThreadMessage>(e =>
        {
            e.ToTable("WebmailThreadMessages");
            e.HasKey(m => m.Id);
            e.Property(m => m.UserAddress).HasMaxLength(MaxAddressLength);
            e.Property(m => m.Folder).HasMaxLength(WebmailThreadMessage.MaxFolderLength);
            e.Property(m => m.MessageId).HasMaxLength(WebmailThreadMessage.MaxMessageIdLength);
            e.Property(m => m.ThreadId).HasMaxLength(WebmailThreadMessage.MaxMessageIdLength);
            e.Property(m => m.From).HasMaxLength(256);
            e.Property(m => m.Subject).HasMaxLength(512);
            e.HasIndex(m => new { m.UserAddress, m.Folder, m.Uid }).IsUnique();
            e.HasIndex(m => new { m.UserAddress, m.MessageId });
            e.HasIndex(m => new { m.UserAddress, m.ThreadId });
        });

        modelBuilder.Entity<WebmailThreadFolder>(e =>
        {
            e.ToTable("WebmailThreadFolders");
            e.HasKey(f => new { f.UserAddress, f.Folder });
            e.Property(f => f.UserAddress).HasMaxLength(MaxAddressLength);
            e.Property(f => f.Folder).HasMaxLength(WebmailThreadMessage.MaxFolderLength);
        });
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
