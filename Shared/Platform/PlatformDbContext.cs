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

    /// <summary>Virtual users.</summary>
    public DbSet<PlatformUser> Users => Set<PlatformUser>();

    /// <summary>Alias rows (alias address → target).</summary>
    public DbSet<PlatformAlias> Aliases => Set<PlatformAlias>();

    /// <summary>Server-side web sessions (ticket store rows).</summary>
    public DbSet<WebSession> WebSessions => Set<WebSession>();

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
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
