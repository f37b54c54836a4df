using Microsoft.EntityFrameworkCore;

namespace Mail.Shared.Platform;

/// <summary>The platform DB on MySQL/MariaDB through Pomelo; migrations in <c>Migrations/MySql</c>.</summary>
public sealed class MySqlPlatformDbContext(DbContextOptions<MySqlPlatformDbContext> options) : PlatformDbContext(options);
