using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mail.Shared.Platform;

/// <summary>
/// Design-time factory for <c>dotnet ef migrations add X --context SqlitePlatformDbContext -o Platform/Migrations/Sqlite</c>;
/// needs no data path (the file name is never opened while adding a migration).
/// </summary>
public sealed class SqlitePlatformDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePlatformDbContext>
{
    public SqlitePlatformDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePlatformDbContext>().UseSqlite("Data Source=platform-design.db").Options);
}

/// <summary>
/// Design-time factory for <c>dotnet ef migrations add X --context MySqlPlatformDbContext -o Platform/Migrations/MySql</c>;
/// uses the explicit MariaDB 10.11 server version so no server is needed.
/// </summary>
public sealed class MySqlPlatformDbContextDesignTimeFactory : IDesignTimeDbContextFactory<MySqlPlatformDbContext>
{
    public MySqlPlatformDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MySqlPlatformDbContext>()
            .UseMySql("Server=127.0.0.1;Database=mail_design", PlatformDatabase.MySqlServerVersion).Options);
}
