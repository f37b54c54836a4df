using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mail.Shared.Platform.Migrations.MySql
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
                type: "varchar(320)",
                maxLength: 320,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<long>(
                name: "DefaultQuotaOctets",
                table: "Domains",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "Enabled",
                table: "Domains",
                type: "tinyint(1)",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<long>(
                name: "QuotaOctets",
                table: "Domains",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "DomainAliases",
                columns: table => new
                {
                    Alias = table.Column<string>(type: "varchar(253)", maxLength: 253, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Domain = table.Column<string>(type: "varchar(253)", maxLength: 253, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    CreatedUtc = table.Column<DateTime>(type: "datetime(6)", nullable: false)
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
                })
                .Annotation("MySql:CharSet", "utf8mb4");

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
