using Microsoft.EntityFrameworkCore;

namespace Mail.Shared.Platform;

/// <summary>The platform DB on SQLite (the embedded default); migrations in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqlitePlatformDbContext(DbContextOptions<SqlitePlatformDbContext> options) : PlatformDbContext(options);
