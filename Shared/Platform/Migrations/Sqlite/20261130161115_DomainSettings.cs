using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mail.Shared.Platform.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DomainSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CatchAll",
                table: "Domains",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DefaultQuotaOctets",
                table: "Domains",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "Enabled",
                table: "Domains",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<long>(
                name: "QuotaOctets",
                table: "Domains",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "DomainAliases",
                columns: table => new
                {
                    Alias = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    Domain = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DomainAliases", x => x.Alias);
                    table.ForeignKey(
                        name: "FK_DomainAliases_Domains_Domain",
                        column: x => x.Domain,
                        principalTable: "Domains",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DomainAliases_Domain",
                table: "DomainAliases",
                column: "Domain");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DomainAliases");

            migrationBuilder.DropColumn(
                name: "CatchAll",
                table: "Domains");

            migrationBuilder.DropColumn(
                name: "DefaultQuotaOctets",
                table: "Domains");

            migrationBuilder.DropColumn(
                name: "Enabled",
                table: "Domains");

            migrationBuilder.DropColumn(
                name: "QuotaOctets",
                table: "Domains");
        }
    }
}
