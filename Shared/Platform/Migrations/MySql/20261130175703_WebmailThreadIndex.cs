using System;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mail.Shared.Platform.Migrations.MySql
{
    /// <inheritdoc />
    public partial class WebmailThreadIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WebmailThreadFolders",
                columns: table => new
                {
                    UserAddress = table.Column<string>(type: "varchar(320)", maxLength: 320, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Folder = table.Column<string>(type: "varchar(200)", maxLength: 200, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    UidValidity = table.Column<long>(type: "bigint", nullable: false),
                    UidNext = table.Column<long>(type: "bigint", nullable: false),
                    HighestModSeq = table.Column<long>(type: "bigint", nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailThreadFolders", x => new { x.UserAddress, x.Folder });
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "WebmailThreadMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    UserAddress = table.Column<string>(type: "varchar(320)", maxLength: 320, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Folder = table.Column<string>(type: "varchar(200)", maxLength: 200, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Uid = table.Column<long>(type: "bigint", nullable: false),
                    MessageId = table.Column<string>(type: "varchar(250)", maxLength: 250, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    ThreadId = table.Column<string>(type: "varchar(250)", maxLength: 250, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    From = table.Column<string>(type: "varchar(256)", maxLength: 256, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Subject = table.Column<string>(type: "varchar(512)", maxLength: 512, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    DateUtc = table.Column<DateTime>(type: "datetime(6)", nullable: false),
                    Seen = table.Column<bool>(type: "tinyint(1)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailThreadMessages", x => x.Id);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateIndex(
                name: "IX_WebmailThreadMessages_UserAddress_Folder_Uid",
                table: "WebmailThreadMessages",
                columns: new[] { "UserAddress", "Folder", "Uid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebmailThreadMessages_UserAddress_MessageId",
                table: "WebmailThreadMessages",
                columns: new[] { "UserAddress", "MessageId" });

            migrationBuilder.CreateIndex(
                name: "IX_WebmailThreadMessages_UserAddress_ThreadId",
                table: "WebmailThreadMessages",
                columns: new[] { "UserAddress", "ThreadId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WebmailThreadFolders");

            migrationBuilder.DropTable(
                name: "WebmailThreadMessages");
        }
    }
}
